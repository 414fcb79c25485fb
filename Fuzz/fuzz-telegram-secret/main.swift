import FuzzDriver

runFuzzer("telegram-secret")
