import FuzzDriver

runFuzzer("messenger-decoder")
