// make_plan against observed states held by the in-memory engine: each
// scenario asserts the exact canonical plan text (the golden form).
#include "tests/planner/scenario.hpp"
#include "util/cidr.hpp"

using dockerops::test::TempDir;
using dockerops::test::kShop;
using dockerops::test::replace_all;

TEST_CASE("plan: a fresh project builds, makes the network and creates every instance in order") {
    Scenario s;
    CHECK(s.text() ==
          "build    image shop/base:latest: not found\n"
          "build    image shop/db:latest: not found\n"
          "build    image shop/web:latest: not found\n"
          "network  network shop: not found (subnet " + default_subnet("shop") + ")\n"
          "create   db.master: not found\n"
          "create   web.one: not found\n"
          "create   web.two: not found\n"
          "\n"
          "Plan: 3 to build, 4 to create, 0 to replace, 0 to start, 0 to remove.\n");
    auto p = s.plan();
    REQUIRE(p);
    // web.one waits for its image, the network and the instance it links to.
    const Action& web_one = p->actions[5];
    CHECK(web_one.object == "web.one");
    CHECK(web_one.depends_on == std::vector<int>{3, 4, 5});
    CHECK(p->actions[1].depends_on == std::vector<int>{1});   // db image after base image
}

TEST_CASE("plan: after apply, nothing to do") {
    Scenario s;
    s.apply();
    CHECK(s.text() == "No changes.\n");
}

TEST_CASE("plan: one env var changed is one replace naming it") {
    Scenario s;
    s.apply();
    s.config(replace_all(kShop, "http://api.example", "http://api2.example"));
    CHECK(s.text() == "replace  web.one: env API_URL \"http://api.example\" → \"http://api2.example\"\n\nPlan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: env vars added and removed are named") {
    Scenario s;
    s.apply();
    s.config(replace_all(kShop, "env = { DB_NAME = \"app\" }", "env = { DB_USER = \"u\" }"));
    CHECK(s.text() == "replace  db.master: env DB_USER added: \"u\", env DB_NAME removed (was \"app\")\n\n"
                      "Plan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: a changed Dockerfile rebuilds its image and what is built on it, and replaces their instances") {
    Scenario s;
    s.apply();
    s.dir.write("containers/base/Dockerfile", "FROM dockerops/busybox:latest\nRUN true\n");
    CHECK(s.text() ==
          "build    image shop/base:latest: context changed: Dockerfile\n"
          "build    image shop/db:latest: base image shop/base:latest rebuilt\n"
          "build    image shop/web:latest: base image shop/base:latest rebuilt\n"
          "replace  db.master: image rebuilt\n"
          "replace  web.one: image rebuilt\n"
          "replace  web.two: image rebuilt\n"
          "\nPlan: 3 to build, 0 to create, 3 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: a new file in one context rebuilds that image only, naming the file") {
    Scenario s;
    s.apply();
    s.dir.write("containers/web/app.py", "print('hi')\n");
    CHECK(s.text() ==
          "build    image shop/web:latest: context changed: app.py\n"
          "replace  web.one: image rebuilt (context changed: app.py)\n"
          "replace  web.two: image rebuilt (context changed: app.py)\n"
          "\nPlan: 1 to build, 0 to create, 2 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: an edited file of a large context is named, and its folder when the index is gone") {
    Scenario s;
    for (int i = 0; i < 3000; ++i)   // a label of one line per file would pass 32 KiB
        s.dir.write("containers/web/node_modules/pkg" + std::to_string(i / 50) + "/lib/f" + std::to_string(i % 50) + ".js",
                    std::to_string(i) + "\n");
    s.apply();
    CHECK(s.text() == "No changes.\n");
    s.dir.write("containers/web/node_modules/pkg7/lib/f3.js", "edited\n");
    CHECK(s.text().starts_with("build    image shop/web:latest: context changed: node_modules/pkg7/lib/f3.js\n"));
    // As after a fresh clone: no index, no snapshot; the image's label names the folder.
    std::filesystem::remove_all(s.dir.path() / ".dockerops/index");
    CHECK(s.text().starts_with("build    image shop/web:latest: context changed: node_modules/pkg7/\n"));
}

TEST_CASE("plan: an unchanged build context, rewritten with the same bytes, builds nothing") {
    Scenario s;
    s.dir.write("containers/web/app.py", "print('hi')\n");
    s.apply();
    s.dir.write("containers/web/app.py", "print('hi')\n");
    CHECK(s.text() == "No changes.\n");
}

TEST_CASE("plan: a file left out by .dockerignore does not rebuild") {
    Scenario s;
    s.dir.write("containers/web/.dockerignore", "*.log\n");
    s.apply();
    s.dir.write("containers/web/debug.log", "noise\n");
    CHECK(s.text() == "No changes.\n");
}

TEST_CASE("plan: changed build args rebuild the image") {
    Scenario s;
    s.apply();
    s.config(replace_all(kShop, "[containers.web]\n", "[containers.web]\nbuild_args = { V = \"2\" }\n"));
    CHECK(s.text() ==
          "build    image shop/web:latest: build args changed\n"
          "replace  web.one: image rebuilt\n"
          "replace  web.two: image rebuilt\n"
          "\nPlan: 1 to build, 0 to create, 2 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: an exited container is started, naming its exit code") {
    Scenario s;
    s.apply();
    s.container("shop-web-two").state = "exited";
    s.container("shop-web-two").exit_code = 137;
    CHECK(s.text() == "start    web.two: exited (137)\n\nPlan: 0 to build, 0 to create, 0 to replace, 1 to start, 0 to remove.\n");
}

TEST_CASE("plan: a container created but never started is started") {
    Scenario s;
    s.apply();
    s.container("shop-db-master").state = "created";
    CHECK(s.text() == "start    db.master: created, never started\n\nPlan: 0 to build, 0 to create, 0 to replace, 1 to start, 0 to remove.\n");
}

TEST_CASE("plan: a container removed behind our back is created again") {
    Scenario s;
    s.apply();
    s.state->containers.erase(s.container("shop-web-one").id);
    CHECK(s.text() == "create   web.one: not found\n\nPlan: 0 to build, 1 to create, 0 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: a container without our spec label is replaced") {
    Scenario s;
    s.apply();
    s.container("shop-web-one").labels.erase(labels::kSpecHash);
    CHECK(s.text() == "replace  web.one: not made by dockerops (no spec label)\n\n"
                      "Plan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: a container moved to another address by hand is replaced") {
    Scenario s;
    s.apply();
    s.container("shop-web-two").addresses["shop"] = "10.9.9.9";
    auto text = s.text();
    CHECK(text == "replace  web.two: changed by hand: network address\n\n"
                  "Plan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: a container whose mounts were changed by hand is replaced") {
    Scenario s;
    s.apply();
    s.container("shop-web-one").mounts.push_back({"bind", "/tmp", "/extra", false});
    CHECK(s.text() == "replace  web.one: changed by hand: mounts\n\n"
                      "Plan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: an image rebuilt by dockerops build replaces its instances, naming the files, and is not changed outside") {
    Scenario s;
    s.apply();
    std::map<std::string, std::string> labels;
    for (auto& [id, img] : s.state->images)
        if (!img.tags.empty() && img.tags.front() == "shop/db:latest") labels = img.labels;
    REQUIRE(labels.count(labels::kContextFiles));
    s.state->add_image("shop/db:latest", labels);   // the same context, built again
    CHECK(s.text() == "replace  db.master: image rebuilt by dockerops build\n\n"
                      "Plan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
    // The old image (the container's) was built from other bytes of a file.
    for (auto& [id, img] : s.state->images)
        if (id == s.container("shop-db-master").image_id)
            img.labels[labels::kContextFiles] = "Dockerfile=000000000000\n";
    CHECK(s.text() == "replace  db.master: image rebuilt by dockerops build (context changed: Dockerfile)\n\n"
                      "Plan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: an image another project's labels put under the tag is changed outside dockerops") {
    Scenario s;
    s.apply();
    std::map<std::string, std::string> labels;
    for (auto& [id, img] : s.state->images)
        if (!img.tags.empty() && img.tags.front() == "shop/db:latest") labels = img.labels;
    labels[labels::kImageProject] = "other";
    s.state->add_image("shop/db:latest", labels);
    CHECK(s.text() == "replace  db.master: image shop/db:latest changed outside dockerops\n\n"
                      "Plan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: an instance gone from the configuration is removed") {
    Scenario s;
    s.apply();
    s.config(kShop + std::string(0, ' '));
    std::string smaller = kShop;
    smaller.erase(smaller.find("[[instances]]\ncontainer = \"web\"\nname = \"two\""));
    s.config(smaller);
    CHECK(s.text() == "remove   web.two: not in configuration\n\nPlan: 0 to build, 0 to create, 0 to replace, 0 to start, 1 to remove.\n");
}

TEST_CASE("plan: a container left by an interrupted replace is removed") {
    Scenario s;
    s.apply();
    ObservedContainer left = s.container("shop-web-one");
    left.id = "c-left";
    left.name = "shop-web-one-dockerops-old";
    left.state = "exited";
    s.state->containers[left.id] = left;
    CHECK(s.text() == "remove   shop-web-one-dockerops-old: left over from an interrupted replace of web.one\n\n"
                      "Plan: 0 to build, 0 to create, 0 to replace, 0 to start, 1 to remove.\n");
}

TEST_CASE("plan: a container made from a project image by someone else is not the project's") {
    Scenario s;
    s.apply();
    // As the engine makes `docker run shop/web`: the image's labels, and
    // (from an image of dockerops 0.1) even the project label.
    ObservedContainer web = s.container("shop-web-one");
    ObservedContainer other;
    other.id = "c-debug";
    other.name = "my-debug-shell";
    other.image_id = web.image_id;
    other.state = "running";
    other.labels = {{labels::kProject, "shop"}, {labels::kContainer, "web"}, {labels::kImageProject, "shop"}};
    s.state->containers[other.id] = other;
    // A copied owner label does not help either: the token names another image.
    ObservedContainer copied = other;
    copied.id = "c-copied";
    copied.name = "shop-copied";
    copied.image_id = "sha256:other";
    copied.labels = web.labels;
    s.state->containers[copied.id] = copied;
    CHECK(s.text() == "No changes.\n");
    FakeEngine e(s.state);
    auto obs = e.observe("shop");
    REQUIRE(obs);
    auto d = make_destroy_plan("shop", *obs, DestroyOptions{});
    REQUIRE(d);
    for (const auto& a : d->actions) {
        CHECK(a.target_id != "c-debug");
        CHECK(a.target_id != "c-copied");
    }
    CHECK(d->actions.size() == 4);   // three instances and the network
}

TEST_CASE("plan: a name held by a container dockerops did not create is a conflict, named at plan time") {
    Scenario s;
    s.apply();
    ObservedContainer two = s.container("shop-web-two");
    s.state->containers.erase(two.id);
    ObservedContainer foreign;
    foreign.id = "0123456789abcdef";
    foreign.name = "shop-web-two";
    foreign.state = "running";
    s.state->containers[foreign.id] = foreign;
    auto p = s.plan();
    REQUIRE(p);
    CHECK(render_text(*p) == "conflict  web.two: the name shop-web-two is taken by a container dockerops did not create "
                             "(id 0123456789ab)\n\nPlan: 0 to build, 0 to create, 0 to replace, 0 to start, 0 to remove.\n1 conflict: apply refuses this plan; dockerops never "
                             "touches what it did not create.\n");
    CHECK(p->conflicts.size() == 1);
}

TEST_CASE("plan: a container made by dockerops 0.1 is the project's, and recreated to add the ownership label") {
    Scenario s;
    s.apply();
    s.container("shop-web-one").labels.erase(labels::kOwner);
    CHECK(s.text() == "replace  web.one: made by dockerops 0.1 without the ownership label: recreated to add it\n\n"
                      "Plan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
    s.apply();
    CHECK(s.text() == "No changes.\n");
    // Tampered spec labels are not 0.1's: not ours, so a conflict.
    s.container("shop-web-one").labels.erase(labels::kOwner);
    s.container("shop-web-one").labels[labels::kSpecHash] = "0";
    auto p = s.plan();
    REQUIRE(p);
    REQUIRE(p->conflicts.size() == 1);
    CHECK(p->conflicts[0].object == "web.one");
}

TEST_CASE("plan: a replace killed after moving the old container away puts one back, leftovers first") {
    Scenario s;
    s.apply();
    // Killed between renaming the old one away and putting the new one in place.
    ObservedContainer& old = s.container("shop-web-one");
    old.name = "shop-web-one-dockerops-old";
    old.state = "exited";
    const std::string old_id = old.id;
    ObservedContainer fresh = old;
    fresh.id = "c-new-left";
    fresh.name = "shop-web-one-dockerops-new";
    fresh.state = "created";
    s.state->containers[fresh.id] = fresh;
    auto p = s.plan();
    REQUIRE(p);
    CHECK(render_text(*p) == "remove   shop-web-one-dockerops-new: left over from an interrupted replace of web.one\n"
                             "replace  web.one: an interrupted replace left it stopped as shop-web-one-dockerops-old\n\n"
                             "Plan: 0 to build, 0 to create, 1 to replace, 0 to start, 1 to remove.\n");
    REQUIRE(p->actions.size() == 2);
    CHECK(p->actions[1].depends_on == std::vector<int>{1});   // the name is free before the replace needs it
    CHECK(p->actions[1].target_id == old_id);
    ExecReport rep = execute(*p, dockerops::test::fake_factory(s.state), {});
    CHECK(rep.ok());
    CHECK(s.text() == "No changes.\n");
    CHECK_FALSE(s.state->by_name("shop-web-one-dockerops-old"));
    CHECK_FALSE(s.state->by_name("shop-web-one-dockerops-new"));
    CHECK(s.container("shop-web-one").state == "running");
}

TEST_CASE("plan: an instance's secret files go with its container, and nothing else does") {
    Scenario s;
    s.apply();
    TempDir secrets;
    secrets.write("web_one/TOKEN", "x");
    secrets.write("web_two/TOKEN", "y");
    FakeEngine e(s.state);
    auto obs = e.observe("shop");
    REQUIRE(obs);
    DestroyOptions opt;
    opt.targets = {"web.one"};
    opt.secrets_dir = secrets.path().string();
    auto d = make_destroy_plan("shop", *obs, opt);
    REQUIRE(d);
    REQUIRE(d->actions.size() == 1);
    CHECK(d->actions[0].path == (secrets.path() / "web_one").string());
    ExecReport rep = execute(*d, dockerops::test::fake_factory(s.state), {});
    CHECK(rep.ok());
    CHECK_FALSE(std::filesystem::exists(secrets.path() / "web_one"));
    CHECK(std::filesystem::exists(secrets.path() / "web_two/TOKEN"));
}

TEST_CASE("plan: replacing a linked instance does not ripple into the instances linking it") {
    Scenario s;
    s.apply();
    const std::string db_ip = s.container("shop-db-master").addresses.at("shop");
    s.config(replace_all(kShop, "DB_NAME = \"app\"", "DB_NAME = \"app2\""));
    CHECK(s.text() == "replace  db.master: env DB_NAME \"app\" → \"app2\"\n\nPlan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
    s.apply();
    // The replacement kept its address, so DB_CONTAINER_IP of web.one still holds.
    CHECK(s.container("shop-db-master").addresses.at("shop") == db_ip);
    CHECK(s.text() == "No changes.\n");
}

TEST_CASE("plan: addresses are in the project subnet, stable, and link variables carry them") {
    Scenario s;
    auto p = s.plan();
    REQUIRE(p);
    std::map<std::string, ContainerSpec> specs;
    for (const auto& a : p->actions) if (a.container) specs[a.object] = *a.container;
    const auto subnet = parse_cidr(default_subnet("shop"));
    REQUIRE(subnet);
    CHECK(subnet->prefix == 20);
    CHECK(subnet->contains(*parse_ipv4(specs.at("db.master").ipv4)));
    CHECK(specs.at("web.one").env.at("DB_CONTAINER_IP") == specs.at("db.master").ipv4);
    CHECK(specs.at("web.one").links == std::vector<std::string>{"shop-db-master:DB"});
    CHECK(specs.at("web.one").ipv4 != specs.at("web.two").ipv4);
    auto again = s.plan();
    REQUIRE(again);
    CHECK(render_json(*again) == render_json(*p));   // deterministic
}

TEST_CASE("plan: a target narrows the plan to that instance and what it needs") {
    Scenario s;
    CHECK(s.text({{"web.one"}, "", {}}) ==
          "build    image shop/base:latest: not found\n"
          "build    image shop/db:latest: not found\n"
          "build    image shop/web:latest: not found\n"
          "network  network shop: not found (subnet " + default_subnet("shop") + ")\n"
          "create   db.master: not found\n"
          "create   web.one: not found\n"
          "\nPlan: 3 to build, 3 to create, 0 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: a container name as target means all of its instances") {
    Scenario s;
    s.apply();
    s.container("shop-web-one").state = "exited";
    s.container("shop-db-master").state = "exited";
    CHECK(s.text({{"web"}, "", {}}) ==
          "start    db.master: exited (0)\n"
          "start    web.one: exited (0)\n"
          "\nPlan: 0 to build, 0 to create, 0 to replace, 2 to start, 0 to remove.\n");
}

TEST_CASE("plan: a group plan covers the group's instances only") {
    Scenario s;
    s.apply();
    s.container("shop-web-one").state = "exited";
    s.container("shop-web-two").state = "exited";
    CHECK(s.text({{}, "front", {}}) == "start    web.two: exited (0)\n\nPlan: 0 to build, 0 to create, 0 to replace, 1 to start, 0 to remove.\n");
    auto none = s.plan({{}, "back", {}});
    REQUIRE_FALSE(none);
    CHECK(none.error().text() == "project shop: no instance is in group 'back'");
}

TEST_CASE("plan: an unknown target is an error with the nearest name") {
    Scenario s;
    auto p = s.plan({{"web.on"}, "", {}});
    REQUIRE_FALSE(p);
    CHECK(p.error().text() == "project shop: unknown target 'web.on' (did you mean 'web.one'?)");
}

TEST_CASE("validate: a link cycle is an error naming each edge with its line") {
    dockerops::test::TempProject t;
    auto r = t.parse(replace_all(kShop, "env = { DB_NAME = \"app\" }", "links = [\"web-one:WEB\"]"));
    REQUIRE_FALSE(r.ok());
    CHECK(dockerops::test::messages(r).at(0) ==
          "dockerops.toml:10:10: link cycle: db.master links to web.one (line 10), web.one links to db.master (line 15) "
          "(an instance cannot start before itself: remove one of these)");
}

TEST_CASE("validate: a cycle through depends_on is a dependency cycle") {
    dockerops::test::TempProject t;
    auto r = t.parse(replace_all(kShop, "env = { DB_NAME = \"app\" }", "depends_on = { \"web.one\" = \"started\" }"));
    REQUIRE_FALSE(r.ok());
    CHECK(dockerops::test::messages(r).at(0) ==
          "dockerops.toml:10:16: dependency cycle: db.master depends on web.one (line 10), web.one links to db.master (line 15) "
          "(an instance cannot start before itself: remove one of these)");
}

TEST_CASE("plan: a FROM cycle between project images is an error") {
    Scenario s;
    s.dir.write("containers/base/Dockerfile", "FROM shop/web\n");
    auto p = s.plan();
    REQUIRE_FALSE(p);
    CHECK(p.error().text() == "project shop: image cycle (FROM): base -> web -> base");
}

TEST_CASE("plan: secrets are required, never shown, and a changed secret replaces") {
    Scenario s(replace_all(kShop, "env = { DB_NAME = \"app\" }", "env = { DB_NAME = \"app\" }\nsecret_env = [\"DB_PASSWORD\"]"));
    auto missing = s.plan();
    REQUIRE_FALSE(missing);
    CHECK(missing.error().text() == "project shop: cannot resolve every variable; nothing was changed:\n"
                                    "  db.master: missing DB_PASSWORD\n"
                                    "set them in the environment or in dockerops.host.toml [env]");
    s.vars["DB_PASSWORD"] = "hunter2";
    s.apply();
    CHECK(s.text() == "No changes.\n");
    CHECK(s.container("shop-db-master").label(labels::kSpec).find("hunter2") == std::string::npos);
    s.vars["DB_PASSWORD"] = "correct horse";
    auto p = s.plan();
    REQUIRE(p);
    CHECK(render_text(*p) == "replace  db.master: env DB_PASSWORD changed (sensitive)\n\n"
                             "Plan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
    const std::string json = render_json(*p);
    CHECK(json.find("correct horse") == std::string::npos);
    // A keyed digest (the project's key, kept 0600 beside the project), not
    // a bare sha256 that a dictionary reverses.
    CHECK(json.find(sha256_hex("correct horse")) == std::string::npos);
    auto key = ops::project_secret_key(s.dir.path(), s.dir.path() / "data");
    REQUIRE(key);
    CHECK((std::filesystem::status(s.dir.path() / ".dockerops/secret-key").permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    CHECK(json.find("\"DB_PASSWORD\":\"" + secret_digest(*key, "correct horse") + "\"") != std::string::npos);
    CHECK(s.container("shop-db-master").label(labels::kSpec).find(secret_digest(*key, "hunter2")) != std::string::npos);
}

TEST_CASE("plan: required variables come from the environment, then the host file, all missing ones named at once") {
    Scenario s(replace_all(kShop, "env = { API_URL = \"http://api.example\" }",
                           "required_env = [\"API_KEY\", \"REGION\"]\nenv = { LISTEN_IP = \"from_eth0\" }"));
    auto p = s.plan();
    REQUIRE_FALSE(p);
    CHECK(p.error().message == "cannot resolve every variable; nothing was changed:\n  web.one: missing API_KEY, REGION\n"
                               "set them in the environment or in dockerops.host.toml [env]");
    s.dir.write("dockerops.host.toml", "[env]\nAPI_KEY = \"from-host-file\"\nREGION = \"eu\"\n");
    s.vars["API_KEY"] = "from-environment";
    auto ok = s.plan();
    REQUIRE(ok);
    for (const auto& a : ok->actions)
        if (a.object == "web.one") {
            CHECK(a.container->env.at("API_KEY") == "from-environment");
            CHECK(a.container->env.at("REGION") == "eu");
            CHECK(a.container->env.at("LISTEN_IP") == "192.0.2.10");
        }
}

TEST_CASE("plan: from_ naming an interface that does not exist is an error naming it") {
    Scenario s(replace_all(kShop, "http://api.example", "x\", LISTEN_IP = \"from_eth9"));
    auto p = s.plan();
    REQUIRE_FALSE(p);
    CHECK(p.error().message == "cannot resolve every variable; nothing was changed:\n"
                               "  web.one: LISTEN_IP = \"from_eth9\": there is no interface 'eth9' with an IPv4 address on this host\n"
                               "set them in the environment or in dockerops.host.toml [env]");
}

TEST_CASE("plan: ports come from EXPOSE, publishing them is a change, a master publishes on HOST_IP") {
    Scenario s;
    s.apply();
    s.config(replace_all(kShop, "name = \"two\"", "name = \"two\"\npublish_ports = true"));
    CHECK(s.text() == "replace  web.two: port 8080/tcp \"exposed\" → \"published on *\"\n\nPlan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
    s.vars["HOST_IP"] = "from_eth0";
    auto p = s.plan();
    REQUIRE(p);
    // db.master is of type master: published, on HOST_IP.
    for (const auto& a : p->actions)
        if (a.object == "db.master") {
            REQUIRE(a.container->ports.size() == 1);
            CHECK((a.container->ports[0] == PortSpec{5432, "tcp", true, "192.0.2.10", 5432}));
        }
    CHECK(render_text(*p) == "replace  db.master: port 5432/tcp \"published on *\" → \"published on 192.0.2.10\"\n"
                             "replace  web.two: port 8080/tcp \"exposed\" → \"published on 192.0.2.10\"\n"
                             "\nPlan: 0 to build, 0 to create, 2 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("plan: persistent folders are mounted per instance type") {
    Scenario s;
    auto p = s.plan();
    REQUIRE(p);
    for (const auto& a : p->actions) {
        if (a.object == "db.master") {   // master: persistent_data
            REQUIRE(a.container->mounts.size() == 1);
            CHECK(a.container->mounts[0].target == "/data");
            CHECK(a.container->mounts[0].source == (s.dir.path() / "data/db_master/data").string());
        }
        if (a.object == "web.one") {     // standard: persistent_log
            REQUIRE(a.container->mounts.size() == 1);
            CHECK(a.container->mounts[0].target == "/var/log");
        }
    }
}

TEST_CASE("plan: interactive and safemode instances are left to 'dockerops run', with a warning") {
    Scenario s(std::string(kShop) + "\n[[instances]]\ncontainer = \"web\"\nname = \"interactive\"\n");
    CHECK(s.text().starts_with("warning: web.interactive is interactive: it runs on a terminal with 'dockerops run', not with apply\n"));
}

TEST_CASE("plan: linked = false drops every link, its variables and its ordering") {
    Scenario s(replace_all(kShop, "links = [\"db-master:DB\"]", "links = [\"db-master:DB\"]\nlinked = false"));
    auto p = s.plan();
    REQUIRE(p);
    for (const auto& a : p->actions)
        if (a.object == "web.one") {
            CHECK(a.container->links.empty());
            CHECK(a.container->env.count("DB_CONTAINER_IP") == 0);
            CHECK(a.depends_on == std::vector<int>{3, 4});   // its image and the network, not db.master
        }
}

// --- addressing at scale (planner/addresses.cpp) ---

namespace {

std::string many_instances(int n, const std::string& project_extra = "", const std::string& env = "") {
    std::string toml = "[project]\nname = \"shop\"\n" + project_extra + "[containers.web]\n";
    for (int i = 0; i < n; ++i)
        toml += "[[instances]]\ncontainer = \"web\"\nname = \"n" + std::to_string(i) + "\"\n" + env;
    return toml;
}

NetworkSpec network_of(const Plan& p) {
    for (const auto& a : p.actions) if (a.network) return *a.network;
    FAIL("no network in the plan");
    return {};
}

std::map<std::string, std::string> addresses_of(const Plan& p) {
    std::map<std::string, std::string> out;
    for (const auto& a : p.actions) if (a.container) out[a.object] = a.container->ipv4;
    return out;
}

}  // namespace

TEST_CASE("plan: 1,000 instances get unique addresses in one subnet, kept when they are replaced") {
    Scenario s(many_instances(1000));
    auto p = s.plan();
    REQUIRE(p);
    auto before = addresses_of(*p);
    REQUIRE(before.size() == 1000);
    const auto subnet = parse_cidr(network_of(*p).subnet);
    REQUIRE(subnet);
    CHECK(subnet->prefix == 20);   // 4,093 hosts: room for twice as many
    std::set<std::string> unique;
    for (const auto& [id, ip] : before) {
        CHECK(subnet->contains(*parse_ipv4(ip)));
        unique.insert(ip);
    }
    CHECK(unique.size() == 1000);
    s.apply();
    s.config(many_instances(1000, "", "env = { V = \"2\" }\n"));
    auto replace = s.plan();
    REQUIRE(replace);
    CHECK(summary_line(*replace) == "Plan: 0 to build, 0 to create, 1000 to replace, 0 to start, 0 to remove.");
    CHECK(addresses_of(*replace) == before);
}

TEST_CASE("plan: a large project gets a larger subnet, and a full one says how to grow it") {
    Scenario big(many_instances(3000));
    auto p = big.plan();
    REQUIRE(p);
    CHECK(parse_cidr(network_of(*p).subnet)->prefix == 19);
    Scenario full(many_instances(20, "subnet = \"10.20.0.0/28\"\n"));
    auto refused = full.plan();
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().text(), Catch::Contains("the project subnet 10.20.0.0/28 has no free address left") &&
                                           Catch::Contains("set a larger [project] subnet"));
}

TEST_CASE("plan: a configured subnet is used, and one overlapping a network on the engine is refused naming it") {
    Scenario s(many_instances(3, "subnet = \"10.20.0.0/16\"\n"));
    auto p = s.plan();
    REQUIRE(p);
    CHECK(network_of(*p).subnet == "10.20.0.0/16");
    CHECK(network_of(*p).gateway == "10.20.0.1");
    CHECK_THAT(render_text(*p), Catch::Contains("network  network shop: not found (subnet 10.20.0.0/16)\n"));
    for (const auto& [id, ip] : addresses_of(*p)) CHECK(ip.starts_with("10.20."));
    FakeEngine e(s.state);
    REQUIRE(e.create_network(NetworkSpec{"someone-elses", "10.20.128.0/24", "10.20.128.1", {}}));
    auto refused = s.plan();
    REQUIRE_FALSE(refused);
    CHECK(refused.error().text() ==
          "project shop: choose another [project] subnet: subnet 10.20.0.0/16 overlaps network someone-elses (10.20.128.0/24) on the engine");
    // Without a configured subnet, the planner picks one that overlaps nothing.
    Scenario free_pick(many_instances(3));
    FakeEngine f(free_pick.state);
    REQUIRE(f.create_network(NetworkSpec{"in-the-way", default_subnet("shop"), "", {}}));
    auto picked = free_pick.plan();
    REQUIRE(picked);
    CHECK(network_of(*picked).subnet != default_subnet("shop"));
    CHECK_FALSE(parse_cidr(network_of(*picked).subnet)->overlaps(*parse_cidr(default_subnet("shop"))));
}

TEST_CASE("plan: --no-deps plans the targets alone and says what it left out, --force-recreate replaces the unchanged") {
    Scenario s;
    s.no_deps = true;
    PlanOptions only_web_one;
    only_web_one.targets = {"web.one"};
    const std::string text = s.text(only_web_one);
    CHECK_THAT(text, Catch::Contains("create   web.one: not found") && !Catch::Contains("db.master: not found") &&
                         !Catch::Contains("shop/db:latest") && Catch::Contains("build    image shop/web:latest") &&
                         Catch::Contains("warning: --no-deps: planned without the instances the targets need (db.master): "
                                         "they are neither made nor waited for"));
    s.no_deps = false;
    s.apply();
    CHECK(s.text() == "No changes.\n");
    s.force_recreate = true;
    PlanOptions web;
    web.targets = {"web"};
    const std::string forced = s.text(web);
    CHECK_THAT(forced, Catch::Contains("replace  web.one: --force-recreate") && Catch::Contains("replace  web.two: --force-recreate") &&
                           Catch::Contains("replace  db.master: --force-recreate"));
    s.no_deps = true;
    CHECK_THAT(s.text(web), !Catch::Contains("replace  db.master") && Catch::Contains("replace  web.two: --force-recreate"));
}

TEST_CASE("plan: a project last applied from another folder says so, and its home record is no instance") {
    Scenario s;
    s.apply();
    ObservedContainer record;
    record.id = "home1";
    record.name = "shop-dockerops-home";
    record.state = "created";
    record.labels = {{labels::kProject, "shop"}, {labels::kHome, "host:/srv/shop"}};
    s.state->containers[record.id] = record;
    s.home = "host:/srv/shop";
    CHECK(s.text() == "No changes.\n");   // from its home: not an orphan, not a warning
    s.home = "host:/home/me/copy-of-shop";
    CHECK(s.text() == "warning: project 'shop' was last applied from host:/srv/shop, not from here (host:/home/me/copy-of-shop): "
                      "its containers are the same ones. A copy of the project? Give it a name of its own (-p NAME, or [project] "
                      "name)\nNo changes.\n");
}
