import FuzzDriver

runFuzzer("twilio-signature")
