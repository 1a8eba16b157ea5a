// placeholder until the command line tool lands
print("splineseg: not yet")
