namespace AigcMesh.Hosting;

public static class HealthTags
{
    /// <summary>Checks that must pass before a service takes work (bus connected, database opens).</summary>
    public const string Ready = "ready";
}
