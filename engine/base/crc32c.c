/*
 * crc32c.c — CRC-32C, table-driven with an SSE 4.2 fast path.
 *
 * NOTE: the hardware path is compiled with a target attribute and chosen
 * at run time, so the binary still runs on CPUs without SSE 4.2.
 */
#include "crc32c.h"

#include <glib.h>

static uint32_t table[256];

static void
init_table (void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		table[i] = c;
	}
}

static uint32_t
crc_soft (uint32_t crc, const unsigned char *p, size_t n)
{
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__)
__attribute__ ((target ("sse4.2"))) static uint32_t
crc_hw (uint32_t crc, const unsigned char *p, size_t n)
{
	uint64_t c = crc;
	while (n >= 8) {
		uint64_t v;
		__builtin_memcpy (&v, p, 8);
		c = __builtin_ia32_crc32di (c, v);
		p += 8;
		n -= 8;
	}
	uint32_t c32 = (uint32_t) c;
	while (n--)
		c32 = __builtin_ia32_crc32qi (c32, *p++);
	return c32;
}
#endif

uint32_t
ox_crc32c (uint32_t crc, const void *data, size_t n)
{
	static gsize init = 0;
	static gboolean hw = FALSE;
	if (g_once_init_enter (&init)) {
		init_table ();
#if defined(__x86_64__)
		hw = __builtin_cpu_supports ("sse4.2");
#endif
		g_once_init_leave (&init, 1);
	}
	crc = ~crc;
#if defined(__x86_64__)
	if (hw)
		return ~crc_hw (crc, data, n);
#endif
	return ~crc_soft (crc, data, n);
}
