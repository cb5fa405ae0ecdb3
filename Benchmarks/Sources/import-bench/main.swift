// import-bench: being written (import throughput).
print("import-bench: not written yet")
