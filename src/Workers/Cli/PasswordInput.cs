namespace ChuyenDoiSo.Workers.Cli;

/// <summary>
/// A password for a verb, never from an option (it would stay in the shell's history and in `ps`): one line of standard
/// input when it is redirected (a script, a pipe), else asked twice on the terminal without echo.
/// </summary>
public static class PasswordInput
{
    /// <param name="confirm">Ask twice on a terminal (a new password); false for a login (approve, review).</param>
    public static string Read(string prompt, bool confirm = true)
    {
        string password;
        if (Console.IsInputRedirected)
        {
            password = Console.In.ReadLine() ?? throw new UserException("expected the password on standard input, got nothing");
        }
        else
        {
            password = Ask(prompt + ": ");
            if (confirm && Ask("again: ") != password) throw new UserException("the two passwords differ; nothing changed");
        }
        return password;
    }

    private static string Ask(string prompt)
    {
        Console.Error.Write(prompt);
        var typed = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0) typed.Length--;
                continue;
            }
            typed.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return typed.ToString();
    }
}
