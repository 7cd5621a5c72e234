/*
 * ox-result-spill.h — a temporary file for the row blocks of a result set
 * that are far from the view (see ox-result-model.c, which decides what
 * goes there).
 *
 * The file is created in the temporary directory and unlinked at once, so
 * nothing is left behind when the process ends, however it ends, and no
 * other process can open it by name.  Blocks are appended once and read
 * back with pread at their offset; the file only grows, and closing it
 * (the model's finalize) gives the space back.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _OxResultSpill OxResultSpill;

/* A new, empty, already unlinked file in dir (NULL: g_get_tmp_dir ()).
 * NULL with error set when it cannot be created (no such directory, no
 * permission, no space for the inode). */
OxResultSpill *ox_result_spill_new (const char *dir, GError **error);
void           ox_result_spill_free (OxResultSpill *spill);
/* Append len bytes; *offset: where they went.  FALSE with error set
 * (disk full: ENOSPC, or EFBIG under a file-size limit) leaves the file's
 * end where it was, so a later append cannot land after a torn one. */
gboolean       ox_result_spill_append (OxResultSpill *spill, gconstpointer data, gsize len,
                                       guint64 *offset, GError **error);
/* Read len bytes at offset into buf.  FALSE with error set on an I/O error
 * or a short file. */
gboolean       ox_result_spill_read (OxResultSpill *spill, guint64 offset, gpointer buf, gsize len,
                                     GError **error);
/* Bytes appended so far. */
guint64        ox_result_spill_get_size (OxResultSpill *spill);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OxResultSpill, ox_result_spill_free)

G_END_DECLS
