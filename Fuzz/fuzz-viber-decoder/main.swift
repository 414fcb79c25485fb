import FuzzDriver

runFuzzer("viber-decoder")
