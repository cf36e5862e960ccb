using System.Globalization;

namespace ReviewPortal.Benchmarks.Support;

/// <summary><c>verb --name value --flag</c> command lines.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public Args(string[] args)
    {
        Raw = args;
        Verb = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "help";
        for (var i = Verb == "help" ? 0 : 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            }
            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            _values[args[i][2..]] = hasValue ? args[++i] : null;
        }
    }

    public string[] Raw { get; }
    public string Verb { get; }

    public bool Flag(string name) => _values.ContainsKey(name);

    public long Long(string name, long fallback) =>
        _values.TryGetValue(name, out var v) && v is not null ? long.Parse(v.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : fallback;

    public int Int(string name, int fallback) => (int)Long(name, fallback);

    public string String(string name, string fallback) => _values.TryGetValue(name, out var v) && v is not null ? v : fallback;

    /// <summary>The same command line with <c>--name value</c> set (replaced if present).</summary>
    public Args With(string name, string value)
    {
        var raw = new List<string> { Verb };
        foreach (var (key, existing) in _values)
        {
            if (key != name)
            {
                raw.Add($"--{key}");
                if (existing is not null)
                {
                    raw.Add(existing);
                }
            }
        }
        raw.Add($"--{name}");
        raw.Add(value);
        return new Args([.. raw]);
    }
}
