import FuzzDriver

runFuzzer("viber-signature")
