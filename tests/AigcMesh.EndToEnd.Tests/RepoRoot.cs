using System.Reflection;

namespace AigcMesh.EndToEnd.Tests;

/// <summary>The repository checkout the tests run from, and where each service's build output lies.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    /// <summary>Debug or Release: the configuration this test assembly (and so the services it references) was built in.</summary>
    public static string Configuration { get; } =
        typeof(RepoRoot).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The built service assembly, e.g. services/AigcMesh.Trainer/bin/Release/net10.0/AigcMesh.Trainer.dll.</summary>
    public static string ServiceAssembly(string project)
    {
        var path = System.IO.Path.Combine(Path, "services", project, "bin", Configuration, "net10.0", $"{project}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built ({path}); build tests/AigcMesh.EndToEnd.Tests first.", path);
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AigcMesh.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No AigcMesh.sln above {AppContext.BaseDirectory}.");
    }
}
