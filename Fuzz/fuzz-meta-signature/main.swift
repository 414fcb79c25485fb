import FuzzDriver

runFuzzer("meta-signature")
