using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AigcMesh.Deployment.Tests;

public sealed class The_images
{
    private static readonly string Dockerfile = File.ReadAllText(RepoRoot.Combine("deploy", "docker", "Dockerfile"));

    /// <summary>The deployable services: every project the solution lists under services/, except the embedded all-in-one host and the `aigc` client tool.</summary>
    public static TheoryData<string> Services()
    {
        var sln = File.ReadAllText(RepoRoot.Combine("AigcMesh.sln"));
        var data = new TheoryData<string>();
        foreach (Match m in Regex.Matches(sln, @"""services\\(?<name>[^\\""]+)\\\k<name>\.csproj"""))
        {
            if (m.Groups["name"].Value is not ("AigcMesh.Embedded" or "AigcMesh.Cli"))
            {
                data.Add(m.Groups["name"].Value);
            }
        }
        return data;
    }

    [Fact]
    public void The_solution_has_the_five_services()
    {
        Assert.Equal(["AigcMesh.Dataset", "AigcMesh.Evaluator", "AigcMesh.Gateway", "AigcMesh.Generator", "AigcMesh.Trainer"],
            Services().Cast<object[]>().Select(row => (string)row[0]).Order());
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_service_in_the_solution_has_an_image_in_compose_and_a_kubernetes_workload(string project)
    {
        var shortName = project["AigcMesh.".Length..].ToLowerInvariant();
        var compose = File.ReadAllText(RepoRoot.Combine("docker-compose.yml"));
        Assert.Matches(new Regex($@"(?ms)^  {shortName}:\n.*?SERVICE: {Regex.Escape(project)}\n.*?image: \$\{{AIGC_IMAGE_PREFIX:-aigcmesh\}}/{shortName}:"), compose);
        var k8s = File.ReadAllText(RepoRoot.Combine("deploy", "k8s", $"{shortName}.yaml"));
        Assert.Contains($"image: aigcmesh/{shortName}\n", k8s);
        Assert.True(File.Exists(RepoRoot.Combine("services", project, $"{project}.csproj")));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_dockerfile_copies_every_project_a_service_references(string project)
    {
        var copied = Regex.Matches(Dockerfile, @"^COPY (?!--from)(?<sources>.+) (?<target>\S+)$", RegexOptions.Multiline)
            .SelectMany(m => m.Groups["sources"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(s => s.Replace("${SERVICE}", project, StringComparison.Ordinal).TrimEnd('/'))
            .ToList();
        foreach (var source in copied)
        {
            var path = RepoRoot.Combine(source);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"COPY {source}: no such file or folder");
        }
        foreach (var referenced in ProjectClosure(RepoRoot.Combine("services", project, $"{project}.csproj")))
        {
            var relative = Path.GetRelativePath(RepoRoot.Path, referenced).Replace('\\', '/');
            Assert.True(copied.Any(c => relative == c || relative.StartsWith(c + "/", StringComparison.Ordinal)),
                $"{project} references {relative}, which the Dockerfile does not copy into the build");
        }
    }

    [Fact]
    public void The_dockerfile_is_multi_stage_runs_as_a_non_root_user_with_a_health_check()
    {
        var stages = Regex.Matches(Dockerfile, @"^FROM \S+ AS (\w+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["build", "runtime"], stages);
        var runtime = Dockerfile[Dockerfile.IndexOf("AS runtime", StringComparison.Ordinal)..];
        Assert.Matches(@"(?m)^USER \$APP_UID$", runtime);
        Assert.Matches(@"(?m)^HEALTHCHECK .*healthprobe\.dll", runtime);
        Assert.Contains("COPY --from=build /app ./", runtime);
        Assert.DoesNotContain("dotnet/sdk", runtime);
    }

    [Fact]
    public void The_dockerfile_restores_and_publishes_for_one_runtime_so_images_carry_no_other_runtimes_native_libraries()
    {
        Assert.Matches(@"(?m)^ARG RUNTIME_ID=linux-x64$", Dockerfile);
        var restores = Regex.Matches(Dockerfile, @"dotnet restore [^\n]*").Select(m => m.Value).ToList();
        var publishes = Regex.Matches(Dockerfile, @"dotnet publish [^\n]*").Select(m => m.Value).ToList();
        Assert.Equal(2, restores.Count);
        Assert.Equal(2, publishes.Count);
        Assert.All(restores, r => Assert.Contains("-r ${RUNTIME_ID}", r));
        Assert.All(publishes, p => Assert.Contains("-r ${RUNTIME_ID} --self-contained false", p));
    }

    [Fact]
    public void The_cuda_variant_swaps_the_torch_package_through_a_build_property_the_ordinary_build_leaves_off()
    {
        Assert.Contains("-p:AigcCuda=${cuda}", Dockerfile);
        Assert.Contains("[ \"${TORCH_DEVICE}\" = cuda ] && echo true || echo false", Dockerfile);
        var models = XDocument.Load(RepoRoot.Combine("shared", "AigcMesh.Models", "AigcMesh.Models.csproj"));
        var cuda = models.Descendants("PackageReference").Single(p => (string?)p.Attribute("Include") == "TorchSharp-cuda-linux");
        Assert.Equal("'$(AigcCuda)' == 'true'", (string?)cuda.Parent!.Attribute("Condition"));
        Assert.Contains(models.Descendants("AigcCuda"), p => p.Value == "false");
        var pins = XDocument.Load(RepoRoot.Combine("Directory.Packages.props"));
        Assert.Contains(pins.Descendants("PackageVersion"), p => (string?)p.Attribute("Include") == "TorchSharp-cuda-linux");
    }

    /// <summary>The project and every project it references, transitively.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }
            foreach (var reference in XDocument.Load(current).Descendants("ProjectReference"))
            {
                var include = ((string?)reference.Attribute("Include"))!.Replace('\\', '/');
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, include)));
            }
        }
        return seen;
    }
}
