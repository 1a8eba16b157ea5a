// SplineCore: placeholder until the module lands.
