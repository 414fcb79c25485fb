import FuzzDriver

runFuzzer("signatures")
