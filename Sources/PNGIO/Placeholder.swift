// PNGIO: placeholder until the module lands.
