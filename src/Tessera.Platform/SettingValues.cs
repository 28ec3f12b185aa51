using System.Globalization;
using Microsoft.Extensions.Configuration;
using Tessera.Core.Errors;

namespace Tessera.Platform;

/// <summary>Reads single settings, naming the setting by its full path when its value is refused.</summary>
internal static class SettingValues
{
    /// <summary>The whole number under <paramref name="key"/> (at least <paramref name="minimum"/>), or <paramref name="fallback"/> when unset.</summary>
    public static int WholeNumber(IConfiguration configuration, string key, int fallback, int minimum)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < minimum)
            throw TesseraException.Validation($"Setting '{PathOf(configuration, key)}' is '{text}', but must be a whole number of at least {minimum}.");
        return value;
    }

    private static string PathOf(IConfiguration configuration, string key) =>
        configuration is IConfigurationSection section ? ConfigurationPath.Combine(section.Path, key) : key;
}
