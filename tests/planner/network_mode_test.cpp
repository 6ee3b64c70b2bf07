// network_mode (engine/desired/desired.cpp InstanceCompiler::network_mode):
// an instance on no network of the project. "instance:C.I" shares that
// instance's container's network: it starts after it, and is made again
// whenever that container is (planner/decide.cpp shared_network_cause).
#include "tests/planner/scenario.hpp"

#include <algorithm>
#include <set>

namespace {

std::string sidecar(const std::string& keys) {
    return "[project]\nname = \"shop\"\n[containers.base]\n[containers.web]\n[containers.db]\n\n"
           "[[instances]]\ncontainer = \"web\"\nname = \"one\"\nports = [\"8080:8080\"]\nenv = { V = \"1\" }\n\n"
           "[[instances]]\ncontainer = \"db\"\nname = \"side\"\n" + keys + "\n";
}

Result<DesiredState> compiled(Scenario& s) {
    auto r = load_project(s.dir.path());
    if (!r.project) FAIL(format(r.diagnostics.items().at(0)));
    return compile(*r.project, s.env());
}

std::string load_errors(Scenario& s) {
    auto r = load_project(s.dir.path());
    std::string out;
    for (const auto& d : r.diagnostics.sorted()) out += format(d) + "\n";
    return out;
}

}  // namespace

TEST_CASE("network_mode: instance:C.I is that instance's container, started first, and no network of the project") {
    Scenario s(sidecar("network_mode = \"instance:web.one\"\nports = [\"9000:9000\"]"));
    auto d = compiled(s);
    REQUIRE(d);
    const DesiredInstance* side = d->find("db.side");
    REQUIRE(side);
    CHECK(side->spec->extras().network_mode == "container:shop-web-one");
    CHECK(side->network_of == "web.one");
    CHECK(side->spec->network.empty());
    CHECK(side->spec->aliases.empty());
    CHECK(std::any_of(side->depends_on.begin(), side->depends_on.end(),
                      [](const Dependency& x) { return x.target == "web.one" && x.condition == Condition::Started; }));
    // Its published port cannot be published from another container's network: dropped, and said.
    CHECK(std::none_of(side->spec->ports.begin(), side->spec->ports.end(), [](const PortSpec& p) { return p.publish; }));
    REQUIRE(d->warnings.size() == 1);
    CHECK(d->warnings[0] == "db.side: network_mode container:shop-web-one publishes no ports: its ports are not published");
    // The engine refuses a host name and exposed ports with another container's network.
    CHECK(side->spec->hostname.empty());
    CHECK(side->spec->ports.empty());
    CHECK(side->spec->extras().expose.empty());
    // "bridge" is the engine's default network: its ports are published there.
    s.config(sidecar("network_mode = \"bridge\"\nports = [\"9000:9000\"]"));
    auto bridge = compiled(s);
    REQUIRE(bridge);
    CHECK(bridge->find("db.side")->spec->extras().network_mode == "bridge");
    CHECK(std::any_of(bridge->find("db.side")->spec->ports.begin(), bridge->find("db.side")->spec->ports.end(),
                      [](const PortSpec& p) { return p.publish && p.host_port == 9000; }));
    CHECK(bridge->warnings.empty());
    CHECK(bridge->find("db.side")->spec->hostname == "db-side");
    // A host name or DNS of its own with another container's network: refused, as the engine would.
    s.config(sidecar("network_mode = \"instance:web.one\"\nhostname = \"sidecar\""));
    auto named = compiled(s);
    REQUIRE_FALSE(named);
    CHECK(named.error().text().find("db.side: hostname 'sidecar' cannot be given with network_mode container:shop-web-one") !=
          std::string::npos);
    s.config(sidecar("network_mode = \"instance:web.one\"\ndns = [\"10.0.0.2\"]"));
    auto dns = compiled(s);
    REQUIRE_FALSE(dns);
    CHECK(dns.error().text().find("db.side: dns cannot be given with network_mode container:shop-web-one") != std::string::npos);
}

TEST_CASE("network_mode: what cannot go together is said as the file's, apart from variables that are missing") {
    // dns with another container's network: no value from outside mends it,
    // so the message asks for none.
    Scenario s(sidecar("network_mode = \"instance:web.one\"\ndns = [\"10.0.0.2\"]"));
    auto dns = compiled(s);
    REQUIRE_FALSE(dns);
    CHECK(dns.error().message ==
          "the project cannot be made as declared; nothing was changed:\n"
          "  db.side: dns cannot be given with network_mode container:shop-web-one (the engine refuses it: set it on the container "
          "whose network it shares)");
    // With a variable missing as well, each is said under its own heading.
    s.config(sidecar("network_mode = \"instance:web.one\"\ndns = [\"10.0.0.2\"]\nrequired_env = [\"API_KEY\"]"));
    auto both = compiled(s);
    REQUIRE_FALSE(both);
    CHECK(both.error().message ==
          "the project cannot be made as declared; nothing was changed:\n"
          "  db.side: dns cannot be given with network_mode container:shop-web-one (the engine refuses it: set it on the container "
          "whose network it shares)\n"
          "cannot resolve every variable; nothing was changed:\n"
          "  db.side: missing API_KEY\n"
          "set them in the environment or in dockerops.host.toml [env]");
}

TEST_CASE("network_mode: a value that is no mode, an instance that is not there, and a link to it are refused") {
    Scenario s(sidecar("network_mode = \"overlay\""));
    CHECK(load_errors(s).find("dockerops.toml:16:16: network_mode 'overlay' in instance db.side is not a network mode") !=
          std::string::npos);
    s.config(sidecar("network_mode = \"instance:web.nine\""));
    auto missing = compiled(s);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().text().find("db.side: network_mode instance:web.nine: no such instance") != std::string::npos);
    s.config(sidecar("network_mode = \"instance:db.side\""));
    auto itself = compiled(s);
    REQUIRE_FALSE(itself);
    CHECK(itself.error().text().find("is the instance itself") != std::string::npos);
    s.config(sidecar("network_mode = \"host\"") + "\n[[instances]]\ncontainer = \"web\"\nname = \"two\"\nlinks = [\"db-side:DB\"]\n");
    auto linked = compiled(s);
    REQUIRE_FALSE(linked);
    CHECK(linked.error().text().find("web.two links to db.side as DB, which has network_mode host") != std::string::npos);
}

TEST_CASE("network_mode: the sharing container is made again with the one whose network it shares, and then nothing is to do") {
    Scenario s(sidecar("network_mode = \"instance:web.one\""));
    s.apply();
    const ObservedContainer& web = s.container("shop-web-one");
    CHECK(s.container("shop-db-side").network_mode == "container:" + web.id);
    CHECK(s.text() == "No changes.\n");
    // web.one's spec changes: it is replaced, and the sidecar after it.
    s.config(dockerops::test::replace_all(sidecar("network_mode = \"instance:web.one\""), "V = \"1\"", "V = \"2\""));
    const std::string plan = s.text();
    INFO(plan);
    CHECK(plan.find("replace  web.one: env V \"1\" → \"2\"") != std::string::npos);
    CHECK(plan.find("replace  db.side: network_mode: web.one is replaced, and its network with it") != std::string::npos);
    s.apply();
    CHECK(s.container("shop-db-side").network_mode == "container:" + s.container("shop-web-one").id);
    CHECK(s.text() == "No changes.\n");
    // Made again outside dockerops (the sidecar still on the old one's network): said, and mended.
    s.container("shop-db-side").network_mode = "container:c-gone";
    CHECK(s.text().find("replace  db.side: network_mode: web.one's container was made again since") != std::string::npos);
}

// volumes_from (InstanceCompiler::volumes_from, planner/decide.cpp
// shared_volumes_causes): "instance:C.I" is that instance's container, made
// first; a new container of it has new volumes, so the mounting one is made
// again with it.
TEST_CASE("volumes_from: instance:C.I is that instance's container, made first, and the mounts it brings are no drift") {
    Scenario s(sidecar("volumes_from = [\"instance:web.one:ro\", \"container:shop-elsewhere\"]"));
    auto d = compiled(s);
    REQUIRE(d);
    const DesiredInstance* side = d->find("db.side");
    REQUIRE(side);
    CHECK(side->spec->extras().volumes_from == std::vector<std::string>{"shop-web-one:ro", "shop-elsewhere"});
    CHECK(side->volumes_of == std::vector<std::string>{"web.one"});
    CHECK(std::any_of(side->depends_on.begin(), side->depends_on.end(),
                      [](const Dependency& x) { return x.target == "web.one" && x.condition == Condition::Started; }));
    s.config(sidecar("volumes_from = [\"instance:web.nine\"]"));
    auto missing = compiled(s);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().text().find("db.side: volumes_from instance:web.nine: no such instance") != std::string::npos);
    s.config(sidecar("volumes_from = [\"web.one\"]"));
    CHECK(load_errors(s).find("dockerops.toml:16:16: 'web.one' in volumes_from of instance db.side is not another container") !=
          std::string::npos);
}

TEST_CASE("volumes_from: the mounting container is made again with the one whose volumes it mounts, and then nothing is to do") {
    const std::string config = dockerops::test::replace_all(sidecar("volumes_from = [\"instance:web.one\"]"), "ports = [\"8080:8080\"]\n",
                                                            "ports = [\"8080:8080\"]\nvolumes = [\"cache:/cache\"]\n");
    Scenario s(config);
    s.apply();
    auto targets = [&] {
        std::set<std::string> t;
        for (const auto& m : s.container("shop-db-side").mounts) t.insert(m.target);
        return t;
    };
    CHECK(targets().count("/cache") == 1);
    CHECK(s.text() == "No changes.\n");
    // web.one's spec changes: it is replaced, and the one mounting its volumes after it.
    s.config(dockerops::test::replace_all(config, "V = \"1\"", "V = \"2\""));
    const std::string plan = s.text();
    INFO(plan);
    CHECK(plan.find("replace  db.side: volumes_from: web.one is replaced, and its volumes with it") != std::string::npos);
    s.apply();
    CHECK(s.text() == "No changes.\n");
    // web.one made again by hand with a volume of another name: said, and mended.
    for (auto& m : s.container("shop-web-one").mounts) m.source = "shop_cache_anew";
    CHECK(s.text().find("replace  db.side: volumes_from: web.one's container was made again since") != std::string::npos);
}
