print("splineseg-bench: placeholder")
