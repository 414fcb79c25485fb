import FuzzDriver

runFuzzer("intent-loader")
