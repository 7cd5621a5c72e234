/*
 * crc32c.h — CRC-32C (Castagnoli), the checksum of every WAL record and
 * checkpoint block.
 *
 * Uses the SSE 4.2 crc32 instruction when the CPU has it (checked once at
 * run time) and a table otherwise; both give identical results.
 */
#ifndef OX_CRC32C_H
#define OX_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC: start with crc = 0 for a new checksum. */
uint32_t ox_crc32c (uint32_t crc, const void *data, size_t n);

#endif
