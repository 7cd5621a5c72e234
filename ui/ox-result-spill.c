/*
 * ox-result-spill.c — the unlinked temporary file behind a result set
 * (see the header).
 *
 * NOTE: not a memfd: a memfd lives in shared memory, so moving blocks
 * there would not bound the machine's memory use, only hide it from the
 * process's RSS.  A file in the temporary directory costs disk (or, where
 * /tmp is a tmpfs, what the system chose for it).
 * NOTE: pwrite and pread loop over short counts and EINTR; a failed append
 * does not move the end, so the next append overwrites the torn bytes.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-result-spill.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <unistd.h>

struct _OxResultSpill {
	int     fd;    /* owned; the file has no name */
	guint64 end;   /* bytes appended: where the next block goes */
};

OxResultSpill *
ox_result_spill_new (const char *dir, GError **error)
{
	g_autofree char *path = g_build_filename (dir ? dir : g_get_tmp_dir (), "oxibase-result-XXXXXX", NULL);
	int fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e),
		             "cannot create a temporary file in %s: %s", dir ? dir : g_get_tmp_dir (), g_strerror (e));
		return NULL;
	}
	/* unlinked now: the space returns when the fd closes, even on a crash */
	g_unlink (path);
	OxResultSpill *spill = g_new0 (OxResultSpill, 1);
	spill->fd = fd;
	return spill;
}

void
ox_result_spill_free (OxResultSpill *spill)
{
	if (!spill)
		return;
	close (spill->fd);
	g_free (spill);
}

gboolean
ox_result_spill_append (OxResultSpill *spill, gconstpointer data, gsize len, guint64 *offset, GError **error)
{
	g_return_val_if_fail (spill != NULL && offset != NULL, FALSE);
	const char *p = data;
	gsize done = 0;
	while (done < len) {
		ssize_t n = pwrite (spill->fd, p + done, len - done, (off_t) (spill->end + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : ENOSPC;
			g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e),
			             "cannot write to the temporary file: %s", g_strerror (e));
			return FALSE;
		}
		done += (gsize) n;
	}
	*offset = spill->end;
	spill->end += len;
	return TRUE;
}

gboolean
ox_result_spill_read (OxResultSpill *spill, guint64 offset, gpointer buf, gsize len, GError **error)
{
	g_return_val_if_fail (spill != NULL, FALSE);
	char *p = buf;
	gsize done = 0;
	while (done < len) {
		ssize_t n = pread (spill->fd, p + done, len - done, (off_t) (offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e),
			             "cannot read the temporary file: %s", g_strerror (e));
			return FALSE;
		}
		if (n == 0) {
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
			             "the temporary file is shorter than what was written to it");
			return FALSE;
		}
		done += (gsize) n;
	}
	return TRUE;
}

guint64
ox_result_spill_get_size (OxResultSpill *spill)
{
	g_return_val_if_fail (spill != NULL, 0);
	return spill->end;
}
