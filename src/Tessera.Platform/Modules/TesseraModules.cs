using System.Collections;

namespace Tessera.Platform.Modules;

/// <summary>The installed modules of a process, checked once: unique, well-formed names.</summary>
public sealed class TesseraModules : IReadOnlyList<TesseraModule>
{
    private readonly List<TesseraModule> _modules;

    public TesseraModules(IEnumerable<TesseraModule> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        _modules = [.. modules];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var module in _modules)
        {
            var name = module.Name;
            if (name.Length == 0 || !char.IsAsciiLetterLower(name[0]) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
                throw new ArgumentException($"Module name '{name}' must be lower-case letters and digits, starting with a letter.", nameof(modules));
            if (!seen.Add(name)) throw new ArgumentException($"Two modules are named '{name}'.", nameof(modules));
            if (module.Migrations is { } migrations && migrations.Module != name)
                throw new ArgumentException($"Module '{name}' declares the migrations of '{migrations.Module}'.", nameof(modules));
        }
    }

    public TesseraModule this[int index] => _modules[index];

    public int Count => _modules.Count;

    public IEnumerator<TesseraModule> GetEnumerator() => _modules.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
