import FuzzDriver

runFuzzer("whatsapp-decoder")
