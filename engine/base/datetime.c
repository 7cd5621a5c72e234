/* datetime.c — placeholder; being written. */
