/*
 * render_png.h - draw a time series as a PNG with libgd.
 */
#ifndef FLOWKEEP_RENDER_PNG_H
#define FLOWKEEP_RENDER_PNG_H

#include <stddef.h>

#include "timeseries.h"

/*
 * Draw ts in unit (0 bits/s, 1 packets/s, 2 flows/s) into a w x h PNG at
 * path ("-" = standard output).  0, or -1 with err set.
 */
int render_ts_png(const struct timeseries *ts, int unit, const char *title,
    unsigned w, unsigned h, const char *path, char *err, size_t errlen);

#endif /* FLOWKEEP_RENDER_PNG_H */
