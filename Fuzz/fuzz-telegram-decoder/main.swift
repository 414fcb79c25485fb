import FuzzDriver

runFuzzer("telegram-decoder")
