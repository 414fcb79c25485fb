import FuzzDriver

runFuzzer("matcher")
