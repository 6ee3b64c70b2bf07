// replicas on target docker (engine/desired/desired.cpp expand_replicas):
// a container for each replica, named after the instance, the first keeping
// its name; depends_on fans out to every replica; lowering the count removes
// the highest; what cannot be shared by several containers is refused.
#include "tests/planner/scenario.hpp"

#include <algorithm>

namespace {

std::string shop_with(const std::string& web_one) {
    return "[project]\nname = \"shop\"\n[containers.base]\n[containers.web]\n[containers.db]\n\n"
           "[[instances]]\ncontainer = \"db\"\nname = \"master\"\n\n"
           "[[instances]]\ncontainer = \"web\"\nname = \"one\"\n" + web_one + "\n\n"
           "[[instances]]\ncontainer = \"web\"\nname = \"two\"\ndepends_on = { \"web.one\" = \"started\" }\n";
}

std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        auto end = text.find('\n', at);
        std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (line.starts_with(prefix)) out.push_back(line);
        if (end == std::string::npos) break;
        at = end + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("replicas: target docker runs a container for each, raising the count replaces nothing, lowering it removes the highest") {
    Scenario s(shop_with("replicas = 1"));
    s.apply();
    s.config(shop_with("replicas = 3"));
    CHECK(lines_starting(s.text(), "create") ==
          std::vector<std::string>{"create   web.one-2: not found", "create   web.one-3: not found"});
    CHECK(lines_starting(s.text(), "replace").empty());
    s.apply();
    CHECK(s.state->by_name("shop-web-one-2"));
    CHECK(s.state->by_name("shop-web-one-3"));
    CHECK(s.container("shop-web-one-3").labels.at("io.dockerops.instance") == "one-3");
    CHECK(s.text() == "No changes.\n");
    s.config(shop_with("replicas = 2"));
    const std::string shrink = s.text();
    CHECK(lines_starting(shrink, "remove").size() == 1);
    CHECK(shrink.find("web.one-3") != std::string::npos);
    CHECK(shrink.find("web.one-2") == std::string::npos);
}

TEST_CASE("replicas: each replica answers the instance's names, and what depends on the instance waits for every replica") {
    Scenario s(shop_with("replicas = 3"));
    auto r = load_project(s.dir.path());
    REQUIRE(r.project);
    auto d = compile(*r.project, s.env());
    REQUIRE(d);
    const DesiredInstance* two = d->find("web.two");
    const DesiredInstance* third = d->find("web.one-3");
    REQUIRE(two);
    REQUIRE(third);
    std::vector<std::string> waits;
    for (const auto& dep : two->depends_on) waits.push_back(dep.target);
    std::sort(waits.begin(), waits.end());
    CHECK(waits == std::vector<std::string>{"web.one", "web.one-2", "web.one-3"});
    CHECK(third->spec->name == "shop-web-one-3");
    CHECK(std::count(third->spec->aliases.begin(), third->spec->aliases.end(), "web-one") == 1);
    CHECK(std::count(third->spec->aliases.begin(), third->spec->aliases.end(), "web-one-3") == 1);
    CHECK(third->spec->replicas == 1);
    CHECK(std::is_sorted(d->instances.begin(), d->instances.end(), [](const auto& a, const auto& b) { return a.id < b.id; }));
}

TEST_CASE("replicas: what several containers cannot share is refused, naming the instance") {
    auto refused = [](const std::string& web_one) {
        Scenario s(shop_with(web_one));
        auto r = load_project(s.dir.path());
        REQUIRE(r.project);
        auto d = compile(*r.project, s.env());
        REQUIRE_FALSE(d);
        return d.error().text();
    };
    CHECK_THAT(refused("replicas = 2\nports = [\"8080:8080\"]\ntype = \"published\""),
               Catch::Contains("web.one: replicas = 2 on target docker runs 2 containers, and they cannot share host port 8080"));
    CHECK_THAT(refused("replicas = 2\ncontainer_name = \"fixed\""), Catch::Contains("container_name gives them one name"));
    CHECK_THAT(refused("replicas = 0"), Catch::Contains("web.one: replicas = 0 on target docker runs no container, and web.two depends on it"));
}

TEST_CASE("replicas: replicas = 0 runs none") {
    Scenario s(shop_with("replicas = 1"));
    s.apply();
    s.config("[project]\nname = \"shop\"\n[containers.base]\n[containers.web]\n[containers.db]\n\n"
             "[[instances]]\ncontainer = \"db\"\nname = \"master\"\n\n"
             "[[instances]]\ncontainer = \"web\"\nname = \"one\"\nreplicas = 0\n");
    const std::string t = s.text();
    CHECK(t.find("web.one") != std::string::npos);
    CHECK(lines_starting(t, "create").empty());
}

TEST_CASE("replicas: each replica has its own data and log folders, and shares the file's volumes") {
    Scenario s(shop_with("replicas = 2\npersistent_data = true\npersistent_log = true\nvolumes = [\"cache:/cache\"]"));
    auto r = load_project(s.dir.path());
    REQUIRE(r.project);
    auto d = compile(*r.project, s.env());
    REQUIRE(d);
    auto source = [&](const std::string& id, const std::string& target) {
        for (const auto& m : d->find(id)->spec->mounts)
            if (m.target == target) return m.source;
        return std::string("none");
    };
    CHECK(source("web.one", "/data") == (r.project->data_dir / "web_one" / "data").string());
    CHECK(source("web.one-2", "/data") == (r.project->data_dir / "web_one-2" / "data").string());
    CHECK(source("web.one-2", "/var/log") == (r.project->data_dir / "web_one-2" / "log").string());
    CHECK(source("web.one-2", "/cache") == "shop_cache");
    CHECK(source("web.one", "/cache") == "shop_cache");
}
