using Spectre.Console;

namespace AigcMesh.Cli;

/// <summary>What a command sees of the outside: its output streams, the environment variables, the working folder.</summary>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, Func<string, string?> Variables, string WorkingDirectory, bool Interactive)
{
    public static CliEnvironment FromProcess() => new(
        Console.Out,
        Console.Error,
        Environment.GetEnvironmentVariable,
        Directory.GetCurrentDirectory(),
        !Console.IsOutputRedirected);

    /// <summary>The console Spectre draws tables and progress on (plain text, no colours, when not interactive).</summary>
    public IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Piped output has no terminal width: keep ids whole instead of wrapping them at 80 columns.
        if (!Interactive) console.Profile.Width = 400;
        return console;
    }

    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
