namespace AigcMesh.Deployment.Tests;

/// <summary>The repository checkout the tests run from (the folder holding AigcMesh.sln).</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

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
