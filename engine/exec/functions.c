/* functions.c — placeholder; being written. */
