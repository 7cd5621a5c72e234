/*
 * fuzz-dap.c — libFuzzer target for the DAP frame decoder (dap/dap-codec.c).
 *
 * Each input is a byte stream from a client.  It is decoded twice: in one
 * piece, and in chunks whose sizes come from the input itself.  What must
 * never happen: a crash or a read past the input, the two decodings
 * disagreeing (the decoder must not depend on chunking), a message that
 * is not an object with an integer "seq" and a string "type", an error
 * outside DAP_CODEC_ERROR or of the wrong kind (framing vs message), a
 * message that does not survive dap_encode_message and a second decoding
 * unchanged, or a failed decoder that accepts more bytes.
 *
 * NOTE: the body cap is 4 KB here instead of 16 MB, so that the fuzzer
 * reaches the TOO_LARGE path with small inputs.
 *
 * NOTE: built only with -Dfuzz=true under clang (tests/fuzz/meson.build);
 * the codec's source is compiled into the target so that libFuzzer sees
 * its coverage.  Crashers belong in tests/dap/test-dap-codec.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dap-codec.h"

#define FUZZ_MAX_BODY 4096

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (gboolean ok, const char *what)
{
	if (!ok) {
		fprintf (stderr, "fuzz-dap: %s\n", what);
		abort ();
	}
}

/* Every frame a decoding produced, as text: "m <json>", "e <code>", and a
 * last "f <code>" when framing was lost. */
static GString *
decode (const uint8_t *data, size_t size, gboolean chunked)
{
	DapDecoder *dec = dap_decoder_new (FUZZ_MAX_BODY);
	GString *out = g_string_new (NULL);
	GError *failure = NULL;
	size_t off = 0, k = 0;

	while (off < size && failure == NULL) {
		/* Chunk sizes 1..16 from the input, or everything at once. */
		size_t n = chunked ? 1 + data[k++ % size] % 16 : size;

		n = MIN (n, size - off);
		if (!dap_decoder_feed (dec, data + off, n, &failure))
			check (failure != NULL && dap_codec_error_is_framing (failure)
			       && dap_decoder_failed (dec), "feed failed without a framing error");
		off += n;
	}
	for (;;) {
		GError *error = NULL;
		JsonNode *msg = dap_decoder_pop (dec, &error);

		if (msg == NULL && error == NULL)
			break;
		if (msg) {
			JsonObject *o;
			JsonNode *seq, *type, *again;
			GBytes *bytes;
			DapDecoder *dec2;
			gsize len;
			const guint8 *p;
			char *s;

			check (JSON_NODE_HOLDS_OBJECT (msg), "message is not an object");
			o = json_node_get_object (msg);
			seq = json_object_get_member (o, "seq");
			type = json_object_get_member (o, "type");
			check (seq && json_node_get_value_type (seq) == G_TYPE_INT64 && json_node_get_int (seq) >= 0,
			       "message without a valid seq");
			check (type && json_node_get_value_type (type) == G_TYPE_STRING, "message without a type");

			/* Round trip, under a cap the encoding fits into. */
			bytes = dap_encode_message (msg);
			p = g_bytes_get_data (bytes, &len);
			dec2 = dap_decoder_new (len + 1);
			check (dap_decoder_feed (dec2, p, len, NULL), "re-encoded message does not frame");
			again = dap_decoder_pop (dec2, NULL);
			check (again != NULL && json_node_equal (msg, again), "re-encoded message differs");
			check (dap_decoder_at_boundary (dec2), "re-encoded message leaves bytes over");
			json_node_unref (again);
			dap_decoder_free (dec2);
			g_bytes_unref (bytes);

			s = json_to_string (msg, FALSE);
			g_string_append_printf (out, "m %s\n", s);
			g_free (s);
			json_node_unref (msg);
		} else {
			check (error->domain == DAP_CODEC_ERROR && !dap_codec_error_is_framing (error),
			       "message error of the wrong kind");
			g_string_append_printf (out, "e %d\n", error->code);
			g_error_free (error);
		}
	}
	if (failure) {
		GError *again = NULL;
		static const guint8 frame[] = "Content-Length: 15\r\n\r\n{\"seq\":1,\"type\":\"x\"}";

		check (!dap_decoder_feed (dec, frame, sizeof frame - 1, &again)
		       && again && again->code == failure->code, "a failed decoder accepted bytes");
		check (dap_decoder_pop (dec, NULL) == NULL, "a failed decoder produced a frame");
		g_string_append_printf (out, "f %d\n", failure->code);
		g_error_free (again);
		g_error_free (failure);
	}
	dap_decoder_free (dec);
	return out;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	GString *whole = decode (data, size, FALSE);
	GString *chunked = decode (data, size, TRUE);

	if (strcmp (whole->str, chunked->str) != 0) {
		fprintf (stderr, "fuzz-dap: chunking changed the result\nwhole:\n%s\nchunked:\n%s\n",
		         whole->str, chunked->str);
		abort ();
	}
	g_string_free (whole, TRUE);
	g_string_free (chunked, TRUE);
	return 0;
}
