/*
 * alert.h - alert rules of a tracking, evaluated on each final step.
 *
 * A rule is one line of a tracking definition (after the key "alert"):
 *
 *	above 50M [bits|packets|flows] [for 1|3|6|12] [every]
 *	below 1k packets for 3
 *	sigma 3 [bits|packets|flows] [for N] [every] [window 12..288]
 *
 * "above"/"below" compare the step's rate with the threshold (k, M, G are
 * powers of 1000); "sigma K" fires when the rate leaves mean +- K standard
 * deviations of the previous window steps (default 12; not before the
 * window is full).  The condition must hold for N consecutive steps
 * (default 1).  Without "every" a rule fires once per episode and re-arms
 * when the condition clears; with it, on every step the condition holds.
 */
#ifndef FLOWKEEP_ALERT_H
#define FLOWKEEP_ALERT_H

#include <stddef.h>

#define ALERT_MAX_WINDOW	288

enum alert_kind { ALERT_ABOVE, ALERT_BELOW, ALERT_SIGMA };

struct alert_rule {
	enum alert_kind	 kind;
	double		 value;		/* threshold, or K for sigma */
	int		 unit;		/* 0 bits, 1 packets, 2 flows */
	unsigned	 steps;		/* consecutive steps needed */
	int		 every;
	unsigned	 window;	/* sigma: steps of history */
};

struct alert_state {
	unsigned	 run;		/* consecutive steps holding */
	int		 fired;		/* this episode has fired */
	double		 hist[ALERT_MAX_WINDOW];
	unsigned	 nhist, pos;
	double		 limit;		/* the limit of the last check */
};

/* Parse the text after "alert"; 0, or -1 with a message in err. */
int alert_parse(const char *text, struct alert_rule *r, char *err,
    size_t errlen);

/* Canonical text of a rule (parses back to the same rule). */
void alert_format(const struct alert_rule *r, char *buf, size_t len);

/*
 * Feed one final step (rates[0..2]: bits/s, packets/s, flows/s); returns 1
 * when the rule fires on this step (st->limit says against what).
 */
int alert_step(const struct alert_rule *r, struct alert_state *st,
    const double rates[3]);

#endif /* FLOWKEEP_ALERT_H */
