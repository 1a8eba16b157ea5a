// SplineKernels: placeholder until the module lands.
