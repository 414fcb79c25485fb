import FuzzDriver

runFuzzer("twilio-decoder")
