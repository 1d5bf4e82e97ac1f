using System.Globalization;

namespace AigcMesh.Models.Configuration;

/// <summary>
/// Reads a family's named hyperparameters (strings, as they travel in messages) into typed values, collecting one
/// readable reason per bad value and refusing names the family does not know.
/// </summary>
public sealed class HyperparameterReader(IReadOnlyDictionary<string, string> values)
{
    private readonly List<string> _errors = [];
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Errors => _errors;

    public int Int(string name, int defaultValue, int min, int max)
    {
        _known.Add(name);
        if (!values.TryGetValue(name, out var text)) return defaultValue;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            _errors.Add($"{name}: '{text}' is not a whole number.");
            return defaultValue;
        }
        if (value < min || value > max)
        {
            _errors.Add($"{name}: {value} is outside [{min}, {max}].");
            return defaultValue;
        }
        return value;
    }

    public double Double(string name, double defaultValue, double min, double max)
    {
        _known.Add(name);
        if (!values.TryGetValue(name, out var text)) return defaultValue;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            _errors.Add($"{name}: '{text}' is not a finite number.");
            return defaultValue;
        }
        if (value < min || value > max)
        {
            _errors.Add($"{name}: {value.ToString(CultureInfo.InvariantCulture)} is outside [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}].");
            return defaultValue;
        }
        return value;
    }

    public bool Bool(string name, bool defaultValue)
    {
        _known.Add(name);
        if (!values.TryGetValue(name, out var text)) return defaultValue;
        if (bool.TryParse(text, out var value)) return value;
        _errors.Add($"{name}: '{text}' is not true or false.");
        return defaultValue;
    }

    /// <summary>One of a fixed set of words (for example "bpe" or "char").</summary>
    public string Choice(string name, string defaultValue, IReadOnlyList<string> choices)
    {
        _known.Add(name);
        if (!values.TryGetValue(name, out var text)) return defaultValue;
        if (choices.Contains(text, StringComparer.Ordinal)) return text;
        _errors.Add($"{name}: '{text}' is not one of {string.Join(", ", choices)}.");
        return defaultValue;
    }

    /// <summary>Adds a reason that involves more than one value (for example "embedding_size must divide by heads").</summary>
    public void Require(bool condition, string reason)
    {
        if (!condition) _errors.Add(reason);
    }

    /// <summary>Names given that no read asked for, as errors; call after every value was read.</summary>
    public IReadOnlyList<string> Finish()
    {
        foreach (var name in values.Keys.Where(n => !_known.Contains(n)).Order(StringComparer.Ordinal))
            _errors.Add($"{name}: unknown hyperparameter (known: {string.Join(", ", _known.Order(StringComparer.Ordinal))}).");
        return _errors;
    }
}

/// <summary>Formats config values back into the invariant strings <see cref="HyperparameterReader"/> reads.</summary>
internal static class HyperparameterText
{
    public static string Of(int value) => value.ToString(CultureInfo.InvariantCulture);
    public static string Of(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    public static string Of(bool value) => value ? "true" : "false";
}
