import ArgumentParser
import WelcomeCommands

WelcomeBotCommand.main()
