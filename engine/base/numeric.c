/* numeric.c — placeholder; being written. */
