// A form made from a task's stored JSON Schema (2020-12): one field per property, typed as the schema says (text,
// number, whole number, yes/no, a choice from an enum, fixed-length lists of numbers, nested objects as fieldsets),
// with its defaults, ranges and required marks. A "oneOf" whose branches each require one property becomes a choice
// between those properties. A string marked "x-tessera-input": "molecule" or "artifact" also takes a file, uploaded
// first; its id fills the field. The form checks what the schema says before sending; the server's 422 errors (by
// JSON Pointer) are shown next to the field they name. Exposed as window.tesseraSchemaForm.create(container, schema, options).
(function () {
  'use strict';

  var uid = 0;

  function element(tag, attributes, text) {
    var e = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { e.setAttribute(k, attributes[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function labelFor(name) { return name.replace(/_/g, ' '); }

  function typeOf(schema) {
    var t = schema.type;
    if (Array.isArray(t)) t = t.filter(function (x) { return x !== 'null'; })[0];
    if (t) return t;
    if (schema.enum) return 'enum';
    if (schema.properties) return 'object';
    return 'json';
  }

  // The branches of a oneOf/anyOf that each only require one property: the schema's "give one of these".
  function choiceOf(schema) {
    var branches = schema.oneOf || schema.anyOf;
    if (!Array.isArray(branches) || branches.length < 2) return null;
    var names = branches.map(function (b) {
      return b && Array.isArray(b.required) && b.required.length === 1 && Object.keys(b).length === 1 ? b.required[0] : null;
    });
    return names.every(function (n) { return n && schema.properties && schema.properties[n]; }) ? names : null;
  }

  function describe(schema) {
    var parts = [];
    if (schema.description) parts.push(schema.description);
    var range = [];
    if (schema.minimum !== undefined) range.push('≥ ' + schema.minimum);
    if (schema.exclusiveMinimum !== undefined) range.push('> ' + schema.exclusiveMinimum);
    if (schema.maximum !== undefined) range.push('≤ ' + schema.maximum);
    if (schema.exclusiveMaximum !== undefined) range.push('< ' + schema.exclusiveMaximum);
    if (range.length) parts.push(range.join(', ') + '.');
    if (schema.default !== undefined && typeof schema.default !== 'object') parts.push('Default ' + schema.default + '.');
    return parts.join(' ');
  }

  // Every field: { node, path, read() -> value or undefined, check(errors), show(message), clear() }.
  function field(schema, path, name, required, options) {
    var type = typeOf(schema);
    if (type === 'object' && schema.properties) return objectField(schema, path, name, required, options);
    if (type === 'array' && schema.items && (schema.items.type === 'number' || schema.items.type === 'integer') &&
        schema.minItems !== undefined && schema.minItems === schema.maxItems && schema.maxItems <= 6) return vectorField(schema, path, name, required);
    return scalarField(schema, type, path, name, required, options);
  }

  function wrapper(path, name, required, schema) {
    var id = 'sf-' + (++uid);
    var box = element('div', { 'class': 'sf-field', 'data-path': path });
    var label = element('label', { 'for': id }, labelFor(name));
    if (required) label.appendChild(element('span', { 'class': 'sf-required', 'title': 'required' }, ' *'));
    box.appendChild(label);
    var help = describe(schema);
    var message = element('span', { 'class': 'sf-error', 'role': 'alert' });
    return { id: id, box: box, help: help, message: message };
  }

  function finish(w, control, extra) {
    w.box.appendChild(control);
    if (extra) w.box.appendChild(extra);
    if (w.help) w.box.appendChild(element('span', { 'class': 'sf-help' }, w.help));
    w.box.appendChild(w.message);
  }

  function messageApi(w) {
    return {
      show: function (text) { w.message.textContent = text; w.box.classList.add('sf-invalid'); },
      clear: function () { w.message.textContent = ''; w.box.classList.remove('sf-invalid'); },
    };
  }

  function numberProblem(schema, n, integer) {
    if (!isFinite(n)) return 'Enter a number.';
    if (integer && Math.floor(n) !== n) return 'Enter a whole number.';
    if (schema.minimum !== undefined && n < schema.minimum) return 'Must be at least ' + schema.minimum + '.';
    if (schema.exclusiveMinimum !== undefined && n <= schema.exclusiveMinimum) return 'Must be more than ' + schema.exclusiveMinimum + '.';
    if (schema.maximum !== undefined && n > schema.maximum) return 'Must be at most ' + schema.maximum + '.';
    if (schema.exclusiveMaximum !== undefined && n >= schema.exclusiveMaximum) return 'Must be less than ' + schema.exclusiveMaximum + '.';
    return null;
  }

  function scalarField(schema, type, path, name, required, options) {
    var w = wrapper(path, name, required, schema);
    var control, extra = null, read, problem;
    if (schema.enum || type === 'enum') {
      control = element('select', { id: w.id, name: name });
      if (!required || schema.default === undefined) control.appendChild(element('option', { value: '' }, required ? 'choose…' : '(default)'));
      schema.enum.forEach(function (v, i) {
        var o = element('option', { value: String(i) }, String(v));
        if (schema.default === v) o.selected = true;
        control.appendChild(o);
      });
      read = function () { return control.value === '' ? undefined : schema.enum[Number(control.value)]; };
      problem = function () { return null; };
    } else if (type === 'boolean') {
      control = element('input', { id: w.id, name: name, type: 'checkbox' });
      control.checked = schema.default === true;
      read = function () { return control.checked; };
      problem = function () { return null; };
    } else if (type === 'number' || type === 'integer') {
      control = element('input', { id: w.id, name: name, type: 'number', step: type === 'integer' ? '1' : 'any' });
      if (schema.minimum !== undefined) control.min = schema.minimum;
      if (schema.maximum !== undefined) control.max = schema.maximum;
      if (schema.default !== undefined) control.placeholder = String(schema.default);
      read = function () { return control.value.trim() === '' ? undefined : Number(control.value); };
      problem = function (v) { return numberProblem(schema, v, type === 'integer'); };
    } else if (type === 'string') {
      control = element('input', { id: w.id, name: name, type: 'text', autocomplete: 'off' });
      if (schema.default !== undefined) control.placeholder = String(schema.default);
      read = function () { return control.value === '' ? undefined : control.value; };
      problem = function (v) {
        if (schema.minLength !== undefined && v.length < schema.minLength) return 'Must be at least ' + schema.minLength + ' characters.';
        if (schema.maxLength !== undefined && v.length > schema.maxLength) return 'Must be at most ' + schema.maxLength + ' characters.';
        if (schema.pattern && !new RegExp(schema.pattern, 'u').test(v)) return 'Must match ' + schema.pattern + '.';
        return null;
      };
      var kind = schema['x-tessera-input'];
      if ((kind === 'molecule' || kind === 'artifact') && options.upload) extra = uploadControl(kind, name, control, w, options.upload);
    } else {
      // Anything else (a list of objects, a free-form value): JSON text, parsed when the form is sent.
      control = element('textarea', { id: w.id, name: name, rows: '3', spellcheck: 'false', placeholder: 'JSON' });
      if (schema.default !== undefined) control.placeholder = JSON.stringify(schema.default);
      read = function () {
        if (control.value.trim() === '') return undefined;
        try { return JSON.parse(control.value); } catch (e) { return { invalidJson: e.message }; }
      };
      problem = function (v) { return v && v.invalidJson ? 'Not JSON: ' + v.invalidJson : null; };
    }
    finish(w, control, extra);
    var api = messageApi(w);
    api.node = w.box;
    api.path = path;
    api.read = read;
    api.check = function (errors) {
      var v = read();
      if (v === undefined) { if (required) errors.push({ path: path, message: 'Required.' }); return; }
      var p = problem(v);
      if (p) errors.push({ path: path, message: p });
    };
    api.fields = function () { return [api]; };
    return api;
  }

  // A molecule (SMILES typed in, or a structure file whose first molecule is used) or an artifact (a file kept as it is).
  function uploadControl(kind, name, text, w, upload) {
    var box = element('span', { 'class': 'sf-upload' });
    var file = element('input', { type: 'file', 'aria-label': labelFor(name) + ' file', accept: '.smi,.csv,.sdf,.mol,.mol2,.pdb,.pdbqt,.txt' });
    var note = element('span', { 'class': 'muted', 'role': 'status' });
    box.appendChild(element('span', { 'class': 'muted' }, kind === 'molecule' ? ' or a structure file: ' : ' or a file: '));
    box.appendChild(file);
    box.appendChild(note);
    text.placeholder = kind === 'molecule' ? 'SMILES, or a molecule id' : 'an artifact id, or choose a file';
    file.addEventListener('change', function () {
      if (!file.files.length) return;
      note.textContent = ' uploading ' + file.files[0].name + '…';
      upload(kind, file.files[0]).then(function (answer) {
        text.value = answer.id;
        note.textContent = ' ' + answer.note;
        w.message.textContent = '';
        w.box.classList.remove('sf-invalid');
      }, function (message) {
        note.textContent = '';
        w.message.textContent = message;
        w.box.classList.add('sf-invalid');
      });
    });
    return box;
  }

  function vectorField(schema, path, name, required) {
    var w = wrapper(path, name, required, schema);
    var row = element('span', { 'class': 'sf-vector', id: w.id, role: 'group' });
    var axes = schema.maxItems === 3 ? ['x', 'y', 'z'] : null;
    var inputs = [];
    for (var i = 0; i < schema.maxItems; i++) {
      var input = element('input', { type: 'number', step: schema.items.type === 'integer' ? '1' : 'any', 'aria-label': labelFor(name) + ' ' + (axes ? axes[i] : i + 1) });
      if (Array.isArray(schema.default)) input.placeholder = String(schema.default[i]);
      inputs.push(input);
      row.appendChild(input);
    }
    finish(w, row);
    var api = messageApi(w);
    api.node = w.box;
    api.path = path;
    api.read = function () {
      if (inputs.every(function (x) { return x.value.trim() === ''; })) return undefined;
      return inputs.map(function (x) { return x.value.trim() === '' ? NaN : Number(x.value); });
    };
    api.check = function (errors) {
      var v = api.read();
      if (v === undefined) { if (required) errors.push({ path: path, message: 'Required: all ' + inputs.length + ' values.' }); return; }
      for (var j = 0; j < v.length; j++) {
        var p = isNaN(v[j]) ? 'Give all ' + v.length + ' values.' : numberProblem(schema.items, v[j], schema.items.type === 'integer');
        if (p) { errors.push({ path: path + '/' + j, message: p }); return; }
      }
    };
    api.fields = function () { return [api]; };
    return api;
  }

  function objectField(schema, path, name, required, options) {
    var root = name === null;
    var node = root ? element('div', { 'class': 'sf-object', 'data-path': path }) : element('fieldset', { 'class': 'sf-object', 'data-path': path });
    if (!root) {
      var legend = element('legend', {}, labelFor(name));
      if (required) legend.appendChild(element('span', { 'class': 'sf-required' }, ' *'));
      node.appendChild(legend);
      if (schema.description) node.appendChild(element('p', { 'class': 'sf-help' }, schema.description));
    }
    var requiredNames = schema.required || [];
    var choice = choiceOf(schema);
    var children = {};
    Object.keys(schema.properties).forEach(function (key) {
      var isChoice = choice && choice.indexOf(key) >= 0;
      children[key] = field(schema.properties[key], path + '/' + key, key, isChoice || requiredNames.indexOf(key) >= 0, options);
      if (!isChoice) node.appendChild(children[key].node);
    });
    var chosen = null;
    if (choice) {
      var group = element('fieldset', { 'class': 'sf-choice' });
      group.appendChild(element('legend', {}, 'Give one of'));
      var groupName = 'sf-choice-' + (++uid);
      choice.forEach(function (key, i) {
        var radio = element('input', { type: 'radio', name: groupName, value: key, id: groupName + '-' + i });
        radio.checked = i === 0;
        var label = element('label', { 'for': radio.id, 'class': 'inline' }, ' ' + labelFor(key));
        label.insertBefore(radio, label.firstChild);
        group.appendChild(label);
        radio.addEventListener('change', function () { select(key); });
      });
      choice.forEach(function (key) { group.appendChild(children[key].node); });
      node.insertBefore(group, node.firstChild && node.firstChild.tagName === 'LEGEND' ? node.firstChild.nextSibling : node.firstChild);
      var select = function (key) {
        chosen = key;
        choice.forEach(function (k) { children[k].node.hidden = k !== key; });
      };
      select(choice[0]);
    }
    var active = function () {
      return Object.keys(children).filter(function (k) { return !choice || choice.indexOf(k) < 0 || k === chosen; });
    };
    return {
      node: node,
      path: path,
      read: function () {
        var value = {};
        active().forEach(function (k) {
          var v = children[k].read();
          if (v !== undefined) value[k] = v;
        });
        return Object.keys(value).length === 0 && !required && !root ? undefined : value;
      },
      check: function (errors) {
        if (!root && !required && this.read() === undefined) return;
        active().forEach(function (k) { children[k].check(errors); });
      },
      fields: function () {
        return Object.keys(children).reduce(function (all, k) { return all.concat(children[k].fields()); }, []);
      },
      show: function () {},
      clear: function () {},
    };
  }

  window.tesseraSchemaForm = {
    // options.upload(kind, file) -> Promise of { id, note } (or rejected with a message).
    create: function (container, schema, options) {
      var form = field(schema || {}, '', null, true, options || {});
      container.replaceChildren(form.node);
      var all = form.fields();
      function clear() { all.forEach(function (f) { f.clear(); }); }
      // The deepest visible field whose path is a prefix of the error's path takes the message.
      function place(errors) {
        var unplaced = [];
        errors.forEach(function (e) {
          var target = null;
          all.forEach(function (f) {
            if (f.node.hidden || !(e.path === f.path || e.path.indexOf(f.path + '/') === 0)) return;
            if (!target || f.path.length > target.path.length) target = f;
          });
          if (target) target.show(e.message); else unplaced.push(e);
        });
        return unplaced;
      }
      return {
        value: function () { return form.read() || {}; },
        // Checks the form; shows each error next to its field and returns them (empty: fine to send).
        validate: function () {
          clear();
          var errors = [];
          form.check(errors);
          place(errors);
          return errors;
        },
        // Shows the server's errors ({ instance_path, message }); returns those no field could take.
        showServerErrors: function (errors) {
          clear();
          return place(errors.map(function (e) { return { path: e.instance_path, message: e.message }; }));
        },
      };
    },
  };
})();
