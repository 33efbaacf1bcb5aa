// What a build script sees of cargo's environment (policy/environment.h).
#include "policy/environment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "policy/yaml.h"

namespace warden {
namespace {

using Strings = std::vector<std::string>;

const Strings kCargo = {
    "PATH=/usr/bin:/bin",
    "HOME=/home/u",
    "OUT_DIR=/ws/target/debug/build/gen-1/out",
    "CARGO_PKG_NAME=gen",
    "CARGO_FEATURE_STD=1",
    "LC_ALL=C",
    "RUSTC_WRAPPER=/opt/warden/warden-rustc",
    "RUSTDOC=/opt/warden/warden-rustdoc",
    "WARDEN_MODE=enforce",
    "WARDEN_DB=/ws/target/warden/warden.db",
    "GITHUB_TOKEN=ghp_secret",
    "OPENSSL_DIR=/opt/ssl",
    "PKG_CONFIG_PATH=/opt/ssl/lib/pkgconfig",
};

std::unique_ptr<PackagePolicy> Compile(const std::string& yaml) {
  absl::StatusOr<Policy> policy = LoadPolicyText(yaml, "warden.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status();
  if (!policy.ok()) return nullptr;
  absl::StatusOr<std::unique_ptr<PackagePolicy>> compiled =
      CompilePackagePolicy(*policy, {"gen", "1.0.0", "path"}, PathVars{});
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() ? std::move(*compiled) : nullptr;
}

TEST(BuildScriptEnvironment, LearnDropsOnlyWardensOwn) {
  EXPECT_EQ(BuildScriptEnvironment(nullptr, kCargo, {"sccache", ""}),
            (Strings{"PATH=/usr/bin:/bin", "HOME=/home/u",
                     "OUT_DIR=/ws/target/debug/build/gen-1/out",
                     "CARGO_PKG_NAME=gen", "CARGO_FEATURE_STD=1", "LC_ALL=C",
                     "RUSTC_WRAPPER=sccache", "GITHUB_TOKEN=ghp_secret",
                     "OPENSSL_DIR=/opt/ssl",
                     "PKG_CONFIG_PATH=/opt/ssl/lib/pkgconfig"}));
}

TEST(BuildScriptEnvironment, EnforceKeepsCargosAndWhatThePolicyGrants) {
  std::unique_ptr<PackagePolicy> policy = Compile(
      "version: 1\npackages:\n  gen:\n    env: [\"OPENSSL_DIR\"]\n");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(BuildScriptEnvironment(policy.get(), kCargo, {}),
            (Strings{"PATH=/usr/bin:/bin", "HOME=/home/u",
                     "OUT_DIR=/ws/target/debug/build/gen-1/out",
                     "CARGO_PKG_NAME=gen", "CARGO_FEATURE_STD=1", "LC_ALL=C",
                     "OPENSSL_DIR=/opt/ssl"}));
}

TEST(BuildScriptEnvironment, GlobGrants) {
  std::unique_ptr<PackagePolicy> policy = Compile(
      "version: 1\npackages:\n  gen:\n    env: [\"PKG_CONFIG_*\"]\n");
  ASSERT_NE(policy, nullptr);
  Strings env = BuildScriptEnvironment(policy.get(), kCargo, {});
  EXPECT_NE(std::find(env.begin(), env.end(),
                      "PKG_CONFIG_PATH=/opt/ssl/lib/pkgconfig"),
            env.end());
  EXPECT_EQ(std::find(env.begin(), env.end(), "OPENSSL_DIR=/opt/ssl"),
            env.end());
}

TEST(BaselineVariables, CargosBuildScriptVariablesNoCredentials) {
  const Strings& names = BaselineVariables();
  for (const char* name : {"OUT_DIR", "CARGO_FEATURE_*", "DEP_*", "PATH"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  for (const char* name : {"HOME", "CARGO_REGISTRY_TOKEN", "GITHUB_TOKEN"})
    EXPECT_EQ(std::find(names.begin(), names.end(), name), names.end()) << name;
  EXPECT_TRUE(IsWardenVariable("WARDEN_POLICY"));
  EXPECT_FALSE(IsWardenVariable("XWARDEN_POLICY"));
}

TEST(BuildScriptEnvironment, UsersOwnRustdocComesBack) {
  Strings env = BuildScriptEnvironment(nullptr, kCargo, {"", "/opt/rustdoc"});
  EXPECT_NE(std::find(env.begin(), env.end(), "RUSTDOC=/opt/rustdoc"), env.end());
  EXPECT_EQ(std::find(env.begin(), env.end(), "RUSTDOC=/opt/warden/warden-rustdoc"),
            env.end());
}

TEST(WithoutCredentials, DropsSecretsKeepsTheBuildsOwn) {
  Strings env = WithoutCredentials(
      {"PATH=/usr/bin", "CARGO_REGISTRY_TOKEN=t", "CARGO_REGISTRIES_X_TOKEN=t",
       "GITHUB_TOKEN=ghp", "AWS_SECRET_ACCESS_KEY=k", "AWS_ACCESS_KEY_ID=i",
       "DB_PASSWORD=p", "SSH_AUTH_SOCK=/run/a", "CARGO_PKG_NAME=gen",
       "RUSTFLAGS=-Cdebuginfo=0", "TOKENIZERS_PARALLELISM=1"});
  EXPECT_EQ(env, (Strings{"PATH=/usr/bin", "CARGO_PKG_NAME=gen",
                          "RUSTFLAGS=-Cdebuginfo=0", "TOKENIZERS_PARALLELISM=1"}));
}

}  // namespace
}  // namespace warden
