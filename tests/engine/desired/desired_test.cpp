// compile: images from Dockerfiles (built-in ones brought in by FROM, ARG
// PROJECT), and the instance specs.
#include "engine/desired/desired.hpp"
#include "engine/desired/dockerfile.hpp"
#include "engine/desired/graph.hpp"
#include "tests/support.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;
using dockerops::test::TempDir;

namespace {

Project load(const TempDir& dir, const std::string& toml) {
    dir.write("dockerops.toml", toml);
    auto r = load_project(dir.path(), std::nullopt, test::source_share());
    if (!r.ok()) FAIL(format(r.diagnostics.items().at(0)));
    return *r.project;
}

// No variable and no interface address from outside the file.
Environment nothing_outside() {
    Environment env;
    env.getenv = [](const std::string&) { return std::optional<std::string>(); };
    env.interface_address = env.getenv;
    return env;
}

}  // namespace

TEST_CASE("desired: ${PROJECT} and $NAME in a FROM line are the build arguments' values") {
    CHECK(substitute_args("${PROJECT}/base", {{"PROJECT", "shop"}}) == "shop/base");
    CHECK(substitute_args("$PROJECT/base:1", {{"PROJECT", "shop"}}) == "shop/base:1");
    CHECK(substitute_args("${OTHER}/base", {{"PROJECT", "shop"}}) == "${OTHER}/base");
    CHECK(substitute_args("${PROJECT", {{"PROJECT", "shop"}}) == "${PROJECT");
    CHECK(read_dockerfile("ARG PROJECT\nARG X=1\nFROM ${PROJECT}/base\n").args == std::set<std::string>{"PROJECT", "X"});
}

TEST_CASE("desired: FROM dockerops/dockerops-base brings the built-in image in, built first, and ARG PROJECT follows a rename") {
    TempDir dir;
    dir.write("containers/base/Dockerfile", "FROM dockerops/dockerops-base\n");
    dir.write("containers/app/Dockerfile", "ARG PROJECT\nFROM ${PROJECT}/base\n");
    Project p = load(dir, "[project]\nname = \"renamed\"\n[containers.base]\n[containers.app]\n");
    auto d = compile_images(p);
    REQUIRE(d);
    REQUIRE(d->images.count("dockerops-base"));
    const DesiredImage& builtin = d->images.at("dockerops-base");
    CHECK(builtin.tag == "dockerops/dockerops-base:latest");
    CHECK(builtin.build.labels.at(labels::kImageProject) == "dockerops");   // shared: no project's
    CHECK(d->images.at("base").parents == std::vector<std::string>{"dockerops-base"});
    CHECK(d->images.at("app").parents == std::vector<std::string>{"base"});
    CHECK(d->images.at("app").build.build_args.at("PROJECT") == "renamed");
    CHECK_FALSE(d->images.at("base").build.build_args.count("PROJECT"));   // only where the Dockerfile asks for it
    auto g = DesiredGraph::build(*d);
    REQUIRE(g);
    std::vector<std::string> images;
    for (const auto& k : g->order()) if (k.starts_with("image:")) images.push_back(k);
    CHECK(images == std::vector<std::string>{"image:dockerops-base", "image:base", "image:app"});
}

TEST_CASE("desired: the dockerops-dns image is built on dockerops-base, and an instance's own HOST_IP binds its published ports") {
    TempDir dir;
    Project p = load(dir, "[project]\nname = \"dnsy\"\n"
                          "[[instances]]\ncontainer = \"dockerops-dns\"\nname = \"master\"\nenv = { HOST_IP = \"192.0.2.77\" }\n");
    const Environment env = nothing_outside();
    auto d = compile(p, env);
    REQUIRE(d);
    CHECK(d->images.at("dockerops-dns").parents == std::vector<std::string>{"dockerops-base"});
    std::vector<std::string> published;
    for (const auto& port : d->instances.at(0).spec->ports)
        if (port.publish) published.push_back(port.host_ip + ":" + std::to_string(port.host_port) + "/" + port.protocol);
    CHECK(published == std::vector<std::string>{"192.0.2.77:53/tcp", "192.0.2.77:53/udp", "192.0.2.77:5380/tcp"});
}

TEST_CASE("desired: depends_on healthy on a target with no health check is an error at its position, before any variable") {
    TempDir dir;
    dir.write("containers/base/Dockerfile", "FROM dockerops/busybox:latest\n");
    dir.write("containers/db/Dockerfile", "FROM shop/base\n");
    dir.write("dockerops.toml", "[project]\nname = \"shop\"\n[containers.base]\n[containers.db]\n"
                                "[[instances]]\ncontainer = \"db\"\nname = \"master\"\nrequired_env = [\"NOT_SET_ANYWHERE\"]\n"
                                "[[instances]]\ncontainer = \"base\"\nname = \"app\"\n"
                                "depends_on = { \"db.master\" = \"healthy\" }\n");
    auto r = load_project(dir.path());
    REQUIRE(r.ok());
    auto d = check_health_conditions(*r.project);
    REQUIRE(d.items().size() == 1);
    CHECK(format(d.items()[0]) ==
          (dir.path() / "dockerops.toml").string() + ":12:16: depends_on db.master \"healthy\", but db.master has no health check (none in its "
          "Dockerfile or those it starts FROM, and no healthcheck key) (add a healthcheck to db.master, or depend on it "
          "being \"started\")");
    // A HEALTHCHECK in the image it starts FROM is one.
    dir.write("containers/base/Dockerfile", "FROM dockerops/busybox:latest\nHEALTHCHECK CMD true\n");
    r = load_project(dir.path());
    REQUIRE(r.ok());
    CHECK(check_health_conditions(*r.project).empty());
}

TEST_CASE("desired: an instance that sets none of the rarely set keys holds none of them, one that sets one holds it") {
    TempDir dir;
    Project p = load(dir, "[project]\nname = \"lean\"\n[containers.app]\nimage = \"dockerops/busybox:latest\"\n"
                          "[[instances]]\ncontainer = \"app\"\nname = \"plain\"\nenv = { A = \"1\" }\nmemory = \"64m\"\n"
                          "[[instances]]\ncontainer = \"app\"\nname = \"capable\"\ncap_add = [\"NET_ADMIN\"]\n");
    const Environment env = nothing_outside();
    auto d = compile(p, env);
    REQUIRE(d);
    const DesiredInstance* plain = d->find("app.plain");
    const DesiredInstance* capable = d->find("app.capable");
    REQUIRE(plain);
    REQUIRE(capable);
    CHECK(plain->spec->memory == 64LL * 1024 * 1024);
    CHECK_FALSE(plain->spec->has_extras());
    REQUIRE(capable->spec->has_extras());
    CHECK(capable->spec->extras().cap_add == std::vector<std::string>{"NET_ADMIN"});
}
