/*
 * dap-codec.h — Debug Adapter Protocol framing: Content-Length headers
 * around JSON bodies, over any GIO stream.
 *
 * The DAP base protocol frames each message like HTTP:
 *
 *     Content-Length: 119\r\n
 *     \r\n
 *     {"seq":1,"type":"request","command":"initialize",...}
 *
 * Three pieces, from pure to threaded:
 *
 *   DapDecoder  bytes in any chunking -> complete messages (no I/O at all;
 *               this is what the fuzz target and most tests drive).
 *   DapReader   a GInputStream read asynchronously on a GMainContext,
 *               feeding a DapDecoder and calling back once per frame.
 *   DapWriter   serializes a JsonNode and writes header + body as one unit,
 *               from any thread.
 *
 * Errors come in two kinds (see DapCodecError):
 *   - framing errors: the byte stream no longer tells where a message ends,
 *     so the decoder goes into a failed state and the connection is lost;
 *   - message errors: the frame was correct but its body is not a DAP
 *     message (bad UTF-8, bad JSON, not an object, no integer "seq", ...);
 *     the next frame can still be read, and a dispatcher answers the bad
 *     one with an error response.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The largest body accepted unless dap_decoder_new says otherwise.  A
 * stackTrace or variables response is a few KB; 16 MB leaves room for a
 * source served by sourceReference while bounding what a hostile or broken
 * peer can make us buffer. */
#define DAP_DEFAULT_MAX_BODY   (16u * 1024u * 1024u)

/* The longest header line, without its CRLF. */
#define DAP_MAX_HEADER_LINE    1024u

/* The most header lines in one frame, the terminating empty one excluded:
 * without it, an endless run of short lines would be accepted forever. */
#define DAP_MAX_HEADER_LINES   32u

/* The deepest nesting of arrays and objects in a body.  json-glib parses
 * recursively, so "[[[[..." of 16 MB would exhaust the stack; DAP messages
 * nest a handful of levels. */
#define DAP_MAX_JSON_DEPTH     256u

#define DAP_CODEC_ERROR (dap_codec_error_quark ())
GQuark dap_codec_error_quark (void);

typedef enum {
	/* Framing errors: the decoder fails and stays failed. */
	DAP_CODEC_ERROR_HEADER_TOO_LONG,      /* a line over DAP_MAX_HEADER_LINE, or too many lines */
	DAP_CODEC_ERROR_BAD_HEADER,           /* not "Name: value\r\n" */
	DAP_CODEC_ERROR_NO_CONTENT_LENGTH,    /* header block without Content-Length */
	DAP_CODEC_ERROR_BAD_CONTENT_LENGTH,   /* not a non-negative decimal integer */
	DAP_CODEC_ERROR_TOO_LARGE,            /* Content-Length over the decoder's cap */
	DAP_CODEC_ERROR_TRUNCATED,            /* the stream ended inside a frame */
	/* Message errors: this frame is lost, the next one can be read. */
	DAP_CODEC_ERROR_BAD_UTF8,
	DAP_CODEC_ERROR_BAD_JSON,             /* json-glib's message follows */
	DAP_CODEC_ERROR_TOO_DEEP,             /* nesting over DAP_MAX_JSON_DEPTH */
	DAP_CODEC_ERROR_NOT_A_MESSAGE,        /* not an object with integer "seq" and string "type" */
} DapCodecError;

/* TRUE for the codes after which the stream is unusable. */
gboolean dap_codec_error_is_framing (const GError *error);

/* ---- DapDecoder: pure, single-threaded --------------------------------- */

typedef struct _DapDecoder DapDecoder;

DapDecoder *dap_decoder_new     (gsize max_body);
void        dap_decoder_free    (DapDecoder *self);
gboolean    dap_decoder_feed    (DapDecoder *self, const guint8 *data, gsize len, GError **error);
JsonNode   *dap_decoder_pop     (DapDecoder *self, GError **error);
gboolean    dap_decoder_failed  (DapDecoder *self);
gboolean    dap_decoder_at_boundary (DapDecoder *self);
gsize       dap_decoder_get_max_body (DapDecoder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DapDecoder, dap_decoder_free)

/* ---- encoding ------------------------------------------------------------ */

GBytes *dap_encode_message (JsonNode *message);

/* ---- DapWriter: any thread ---------------------------------------------- */

typedef struct _DapWriter DapWriter;

DapWriter *dap_writer_new   (GOutputStream *stream);
void       dap_writer_free  (DapWriter *self);
gboolean   dap_writer_write (DapWriter *self, JsonNode *message,
                             GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DapWriter, dap_writer_free)

/* ---- DapReader: asynchronous, on one GMainContext ----------------------- */

typedef struct _DapReader DapReader;

/* One call per frame: either @message (transfer none; ref it to keep it) or
 * a message error (@error, non-fatal).  May call dap_reader_stop. */
typedef void (*DapReaderMessageFunc) (DapReader    *reader,
                                      JsonNode     *message,
                                      const GError *error,
                                      gpointer      user_data);

/* Called once when reading ends by itself: @error is NULL on a clean end
 * of stream between frames, else a framing error, DAP_CODEC_ERROR_TRUNCATED
 * or the stream's own error.  Not called after dap_reader_stop. */
typedef void (*DapReaderClosedFunc)  (DapReader    *reader,
                                      const GError *error,
                                      gpointer      user_data);

DapReader *dap_reader_new    (GInputStream        *stream,
                              gsize                max_body,
                              DapReaderMessageFunc message_func,
                              DapReaderClosedFunc  closed_func,
                              gpointer             user_data);
void       dap_reader_start  (DapReader *self);
void       dap_reader_stop   (DapReader *self);
void       dap_reader_free   (DapReader *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DapReader, dap_reader_free)

G_END_DECLS
