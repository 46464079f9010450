/*
 * statefile.c - atomic save and checked load of the decoder state (see
 * statefile.h).
 */
#define _GNU_SOURCE

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "statefile.h"
#include "util.h"

#define STATEFILE_MAX_BYTES	(256u * 1024 * 1024)

struct statefile {
	char		path[1024];
	uint64_t	saved_gen;
	int		have_saved;
	uint64_t	last_ms;
};

struct statefile *
statefile_new(const char *path)
{
	struct statefile	*sf;

	if ((sf = calloc(1, sizeof(*sf))) == NULL)
		return NULL;
	util_strlcpy(sf->path, path != NULL ? path : "", sizeof(sf->path));
	return sf;
}

void
statefile_free(struct statefile *sf)
{
	free(sf);
}

static int
read_all(int fd, uint8_t **out, size_t *len)
{
	struct stat	 st;
	uint8_t		*buf;
	size_t		 off = 0;
	ssize_t		 r;

	if (fstat(fd, &st) != 0)
		return -1;
	if (st.st_size < 0 || (uint64_t)st.st_size > STATEFILE_MAX_BYTES) {
		errno = EFBIG;
		return -1;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		return -1;
	while (off < (size_t)st.st_size) {
		r = read(fd, buf + off, (size_t)st.st_size - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	*out = buf;
	*len = off;
	return 0;
}

int
statefile_load(struct statefile *sf, struct proto_ctx *ctx)
{
	uint8_t	*buf;
	size_t	 len;
	int	 fd, rc;

	if (sf->path[0] == '\0')
		return 1;
	if ((fd = open(sf->path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 1;
		log_warn("state file %s", sf->path);
		return -1;
	}
	rc = read_all(fd, &buf, &len);
	close(fd);
	if (rc != 0) {
		log_warn("state file %s", sf->path);
		return -1;
	}
	rc = proto_state_load(ctx, buf, len);
	free(buf);
	if (rc != 0) {
		log_warnx("state file %s is not valid, ignored", sf->path);
		return -1;
	}
	sf->saved_gen = proto_state_generation(ctx);
	sf->have_saved = 1;
	log_info("loaded decoder state from %s (%zu bytes)", sf->path, len);
	return 0;
}

static int
write_all(int fd, const uint8_t *buf, size_t len)
{
	ssize_t	w;

	while (len > 0) {
		w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static int
statefile_write(struct statefile *sf, const uint8_t *buf, size_t len)
{
	char	tmp[1100];
	int	fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", sf->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	if (write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, sf->path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
statefile_save(struct statefile *sf, struct proto_ctx *ctx)
{
	uint8_t		*buf = NULL;
	size_t		 len = 0;
	uint64_t	 gen;

	if (sf->path[0] == '\0')
		return 0;
	gen = proto_state_generation(ctx);
	if (gen == sf->saved_gen)
		return 0;
	if (proto_state_save(ctx, &buf, &len) != 0) {
		log_warnx("cannot serialise the decoder state");
		return -1;
	}
	if (statefile_write(sf, buf, len) != 0) {
		log_warn("writing state file %s", sf->path);
		free(buf);
		return -1;
	}
	free(buf);
	sf->saved_gen = gen;
	sf->have_saved = 1;
	log_debug("saved decoder state to %s (%zu bytes)", sf->path, len);
	return 0;
}

void
statefile_maybe_save(struct statefile *sf, struct proto_ctx *ctx,
    uint64_t mono_ms)
{
	if (sf->path[0] == '\0')
		return;
	if (proto_state_generation(ctx) == sf->saved_gen)
		return;
	if (sf->last_ms != 0 && mono_ms - sf->last_ms < STATEFILE_MIN_MS)
		return;
	sf->last_ms = mono_ms;
	(void)statefile_save(sf, ctx);
}
