using Tessera.Core.Security;

namespace Tessera.Core.Tests;

public class SecretTests
{
    [Fact]
    public void Tokens_are_prefixed_well_formed_and_unique()
    {
        var tokens = Enumerable.Range(0, 200).Select(_ => ApiTokenFormat.Generate()).ToList();
        Assert.All(tokens, t => Assert.True(ApiTokenFormat.IsWellFormed(t)));
        Assert.All(tokens, t => Assert.StartsWith("tsr_", t, StringComparison.Ordinal));
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("tsr_")]
    [InlineData("abc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("tsr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!")]
    [InlineData("tsr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_tokens_are_recognised_without_a_lookup(string token) =>
        Assert.False(ApiTokenFormat.IsWellFormed(token));

    [Fact]
    public void Hash_comparison_is_exact_whatever_the_position_of_a_difference()
    {
        var hash = ApiTokenFormat.Hash(ApiTokenFormat.Generate());
        Assert.True(ApiTokenFormat.HashesEqual(hash, new string(hash.ToCharArray())));
        Assert.False(ApiTokenFormat.HashesEqual(hash, (hash[0] == 'a' ? 'b' : 'a') + hash[1..]));
        Assert.False(ApiTokenFormat.HashesEqual(hash, hash[..^1] + (hash[^1] == 'a' ? 'b' : 'a')));
        Assert.False(ApiTokenFormat.HashesEqual(hash, hash[..^1]));
    }

    [Fact]
    public void Passwords_hash_with_pbkdf2_sha256_at_the_required_cost_and_verify()
    {
        var stored = PasswordHasher.Hash("correct horse battery staple");
        var parts = stored.Split('$');
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.True(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) >= 310_000);
        Assert.NotEqual(stored, PasswordHasher.Hash("correct horse battery staple"));
        Assert.True(PasswordHasher.Verify("correct horse battery staple", stored));
        Assert.False(PasswordHasher.Verify("correct horse battery stapler", stored));
        Assert.False(PasswordHasher.Verify("anything", null));
        Assert.False(PasswordHasher.Verify("anything", "md5$1$x$y"));
    }
}
