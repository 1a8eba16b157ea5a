// SegMetrics: placeholder until the module lands.
