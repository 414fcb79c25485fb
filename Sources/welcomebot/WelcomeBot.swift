import ArgumentParser
import WelcomeCommands

@main
enum WelcomeBot {
    static func main() async {
        await WelcomeBotCommand.main()
    }
}
