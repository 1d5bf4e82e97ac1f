using System.Reflection;
using System.Text.Json.Nodes;
using Json.Schema;
using k8s;
using k8s.Models;

namespace AigcMesh.Deployment.Tests;

/// <summary>
/// Validates Kubernetes manifests offline: built-in kinds by strict deserialization into the Kubernetes API
/// models of the KubernetesClient package (an unknown or misspelled field, or a value of the wrong type, fails),
/// other kinds against the JSON schemas checked in under deploy/k8s/schemas (named group_Kind.json).
/// </summary>
internal sealed class ManifestValidator
{
    private static readonly Dictionary<(string ApiVersion, string Kind), Type> BuiltInKinds = typeof(V1Deployment).Assembly.GetTypes()
        .Select(t => (Type: t, Entity: t.GetCustomAttribute<KubernetesEntityAttribute>()))
        .Where(x => x.Entity is not null && !x.Type.Name.EndsWith("List", StringComparison.Ordinal))
        .GroupBy(x => (ApiVersion: string.IsNullOrEmpty(x.Entity!.Group) ? x.Entity.ApiVersion : $"{x.Entity.Group}/{x.Entity.ApiVersion}", x.Entity.Kind))
        .ToDictionary(g => g.Key, g => g.First().Type);

    private static readonly MethodInfo Deserialize = typeof(KubernetesYaml).GetMethods()
        .Single(m => m.Name == nameof(KubernetesYaml.Deserialize) && m.GetParameters()[0].ParameterType == typeof(string));

    private readonly string schemaDirectory;
    private readonly EvaluationOptions options = new() { OutputFormat = OutputFormat.List };

    public ManifestValidator(string schemaDirectory)
    {
        this.schemaDirectory = schemaDirectory;
        foreach (var file in Directory.GetFiles(schemaDirectory, "*.json"))
        {
            options.SchemaRegistry.Register(JsonSchema.FromFile(file));
        }
    }

    public sealed record Document(string File, int Index, string Yaml, JsonObject Json)
    {
        public string ApiVersion => Json["apiVersion"]?.GetValue<string>() ?? "";
        public string Kind => Json["kind"]?.GetValue<string>() ?? "";
        public string Name => Json["metadata"]?["name"]?.GetValue<string>() ?? "";
        public override string ToString() => $"{System.IO.Path.GetFileName(File)}#{Index} {Kind}/{Name}";
    }

    /// <summary>The YAML documents of a file, each as its own text and as JSON.</summary>
    public static IReadOnlyList<Document> Load(string file)
    {
        var text = File.ReadAllText(file);
        var chunks = System.Text.RegularExpressions.Regex.Split(text, @"^---\s*$", System.Text.RegularExpressions.RegexOptions.Multiline);
        var documents = new List<Document>();
        foreach (var chunk in chunks)
        {
            var json = YamlJson.LoadAll(chunk).SingleOrDefault();
            if (json is JsonObject obj)
            {
                documents.Add(new Document(file, documents.Count, chunk, obj));
            }
        }
        return documents;
    }

    /// <summary>The problems found in one document; empty when it is valid.</summary>
    public IReadOnlyList<string> Validate(Document document)
    {
        if (BuiltInKinds.TryGetValue((document.ApiVersion, document.Kind), out var type))
        {
            try
            {
                var model = Deserialize.MakeGenericMethod(type).Invoke(null, [document.Yaml, true]);
                return model is null ? ["empty document"] : [];
            }
            catch (TargetInvocationException e)
            {
                var inner = e.InnerException ?? e;
                return [$"{type.Name}: {string.Join(": ", Chain(inner).Select(x => x.Message).Distinct())}"];
            }
        }
        var group = document.ApiVersion.Contains('/') ? document.ApiVersion[..document.ApiVersion.IndexOf('/')] : document.ApiVersion;
        var schemaFile = Path.Combine(schemaDirectory, $"{group}_{document.Kind}.json");
        if (!File.Exists(schemaFile))
        {
            return [$"no schema for {document.ApiVersion} {document.Kind}: neither a built-in kind nor {schemaFile}"];
        }
        var schema = JsonSchema.FromFile(schemaFile);
        var result = schema.Evaluate(document.Json, options);
        return result.IsValid
            ? []
            : result.Details.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).ToList();
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
        }
    }

    public static string Describe(IEnumerable<string> problems) => string.Join(Environment.NewLine, problems);
}
