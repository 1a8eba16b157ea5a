// NIfTIIO: placeholder until the module lands.
