// Registry credentials from the docker CLI's config (registry_auth.hpp).
#include "providers/docker/registry_auth.hpp"

#include "util/json_writer.hpp"

#include <boost/process.hpp>
#include <openssl/evp.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>

namespace dockerops::docker {

namespace bp = boost::process;

namespace {

constexpr const char* kHubServer = "https://index.docker.io/v1/";

// "https://host:5000/v2/" -> "host:5000", as the docker CLI compares auths keys.
std::string hostname_of(std::string_view key) {
    if (key.starts_with("http://")) key.remove_prefix(7);
    else if (key.starts_with("https://")) key.remove_prefix(8);
    return std::string(key.substr(0, key.find('/')));
}

// What the engine and a helper are told the registry is.
std::string server_of(const std::string& registry) { return registry == "docker.io" ? kHubServer : registry; }

bool same_registry(std::string_view key, const std::string& registry) {
    const std::string host = hostname_of(key);
    if (registry == "docker.io") return host == "index.docker.io" || host == "docker.io" || host == "registry-1.docker.io";
    return host == registry;
}

std::string field(simdjson::dom::element e, const char* key) {
    std::string_view v;
    return e[key].get_string().get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
}

// `docker-credential-NAME get`, the server on its stdin: {"Username", "Secret"}.
Result<std::optional<RegistryCredentials>> ask_helper(const std::string& name, const std::string& registry, const CredentialSources& from) {
    const std::string program = "docker-credential-" + name;
    std::vector<boost::filesystem::path> dirs;
    std::stringstream path(from.path);
    for (std::string dir; std::getline(path, dir, ':');)
        if (!dir.empty()) dirs.emplace_back(dir);
    const auto exe = bp::search_path(program, dirs);
    const std::string where = "credential helper " + program;
    if (exe.empty()) return Error{program + " is not on PATH (config.json names it for " + registry + ")", where};
    bp::opstream in;
    bp::ipstream out;
    std::error_code ec;
    bp::child child(exe, "get", bp::std_in < in, bp::std_out > out, bp::std_err > bp::null, ec);
    if (ec) return Error{"cannot run it: " + ec.message(), where};
    in << server_of(registry) << std::flush;
    in.pipe().close();
    std::string answer((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
    child.wait();
    if (child.exit_code() != 0) {
        if (answer.find("credentials not found") != std::string::npos) return std::optional<RegistryCredentials>();
        while (!answer.empty() && (answer.back() == '\n' || answer.back() == '\r')) answer.pop_back();
        return Error{"failed for " + registry + " (exit " + std::to_string(child.exit_code()) + ")" + (answer.empty() ? "" : ": " + answer.substr(0, 300)), where};
    }
    simdjson::dom::parser parser;
    simdjson::padded_string body(answer);
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) return Error{"answered something that is not JSON for " + registry, where};
    RegistryCredentials c;
    c.server = server_of(registry);
    c.from = "helper " + program;
    const std::string user = field(doc, "Username"), secret = field(doc, "Secret");
    if (user == "<token>") c.identity_token = secret;
    else c.username = user, c.password = secret;
    return std::optional<RegistryCredentials>(std::move(c));
}

}  // namespace

std::string registry_of(std::string_view ref) {
    const auto slash = ref.find('/');
    if (slash == std::string_view::npos) return "docker.io";
    const std::string_view first = ref.substr(0, slash);
    if (first.find('.') == std::string_view::npos && first.find(':') == std::string_view::npos && first != "localhost") return "docker.io";
    return first == "index.docker.io" || first == "registry-1.docker.io" ? "docker.io" : std::string(first);
}

Result<std::optional<RegistryCredentials>> find_credentials(const std::string& registry, const CredentialSources& from) {
    if (from.config_dir.empty()) return std::optional<RegistryCredentials>();
    const std::string file = from.config_dir + "/config.json";
    std::ifstream f(file, std::ios::binary);
    if (!f) return std::optional<RegistryCredentials>();   // no config: no credentials, as the docker CLI
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    simdjson::dom::parser parser;
    simdjson::padded_string body(text);
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS || !doc.is_object()) return Error{"not JSON: cannot read registry credentials from it", file};
    simdjson::dom::object helpers;
    if (doc["credHelpers"].get_object().get(helpers) == simdjson::SUCCESS)
        for (auto [key, name] : helpers) {
            std::string_view n;
            if (same_registry(key, registry) && name.get_string().get(n) == simdjson::SUCCESS) return ask_helper(std::string(n), registry, from);
        }
    if (const std::string store = field(doc, "credsStore"); !store.empty()) {
        auto c = ask_helper(store, registry, from);
        if (!c || *c) return c;
    }
    simdjson::dom::object auths;
    if (doc["auths"].get_object().get(auths) != simdjson::SUCCESS) return std::optional<RegistryCredentials>();
    for (auto [key, entry] : auths) {
        if (!same_registry(key, registry)) continue;
        RegistryCredentials c;
        c.server = server_of(registry);
        c.from = file + " auths";
        c.username = field(entry, "username");
        c.password = field(entry, "password");
        c.identity_token = field(entry, "identitytoken");
        if (const std::string auth = field(entry, "auth"); !auth.empty()) {
            auto plain = base64_decode(auth);
            const auto colon = plain ? plain->find(':') : std::string::npos;
            if (colon == std::string::npos)
                return Error{"auths." + std::string(key) + ".auth is not base64 of USER:PASSWORD", file};
            c.username = plain->substr(0, colon);
            c.password = plain->substr(colon + 1);
        }
        if (c.username.empty() && c.identity_token.empty()) continue;   // an entry a helper holds
        return std::optional<RegistryCredentials>(std::move(c));
    }
    return std::optional<RegistryCredentials>();
}

std::string registry_auth_header(const RegistryCredentials& c) {
    JsonWriter w;
    w.begin_object();
    if (!c.identity_token.empty()) w.key("identitytoken").value(c.identity_token);
    else w.key("username").value(c.username).key("password").value(c.password);
    w.key("serveraddress").value(c.server).end_object();
    std::string b = base64_encode(w.str());
    for (char& ch : b) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;   // the engine reads base64url
    return b;
}

std::string base64_encode(std::string_view data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(data.data()),
                                  static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string in(text);
    for (char& ch : in) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
    while (in.size() % 4) in += '=';
    std::string out(3 * (in.size() / 4) + 1, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(in.data()),
                                  static_cast<int>(in.size()));
    if (n < 0) return std::nullopt;
    std::size_t pad = 0;
    for (auto it = in.rbegin(); it != in.rend() && *it == '=' && pad < 2; ++it) ++pad;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

}  // namespace dockerops::docker
