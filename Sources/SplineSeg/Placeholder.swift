// SplineSeg: placeholder until the module lands.
