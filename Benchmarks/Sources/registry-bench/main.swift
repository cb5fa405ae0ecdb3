// registry-bench: being written (statistics and search on a generated register).
print("registry-bench: not written yet")
